import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { createSharedKafkaTopic, getSharedTestEnv, startAppProcess, uniqueName, type AppProcessHandle } from '@moonx-farm/test-env';
import { DEPLOYED_APPS, envNamesReadBy, type AppName } from './support/deployed-apps';
import { objectsOfKind, renderKustomization, type KubeObject } from './support/kustomize-renderer';
import { alertRulesOf, dashboardExpressions } from './support/monitoring';
import { OVERLAYS, renderedApp } from './support/rendered-app';
import { tableRows, ticks } from './support/markdown';
import { metricFamily, parsePromQl } from './support/promql';

/*
 * The apps as each overlay configures them, booted from dist/ (`npm run build`): the
 * ConfigMap values are used as they are, except the addresses of Redis and Kafka (the test
 * servers), the port (a free one) and names other tests must not share (key prefix,
 * consumer group, dead-letter topic). Then every probe path
 * of the Deployments must answer, /metrics must carry what the alerts and the dashboard
 * query, and SIGTERM must end each app cleanly within its grace period.
 */
describe.each(OVERLAYS)('apps configured by k8s/overlays/%s', (overlay) => {
  const shared = getSharedTestEnv();
  const apps = new Map<AppName, AppProcessHandle>();
  let objects: KubeObject[];

  beforeAll(async () => {
    objects = renderKustomization(`k8s/overlays/${overlay}`);
    const prefix = `${uniqueName('deploy')}:`;
    const started = await Promise.allSettled(
      DEPLOYED_APPS.map(async (app) => {
        const { config, deployment } = renderedApp(objects, app);
        const read = envNamesReadBy(app.name);
        const env: Record<string, string> = { ...config, REDIS_HOST: shared.redis.host, REDIS_PORT: String(shared.redis.port), REDIS_KEY_PREFIX: prefix };
        delete env['REDIS_CLUSTER_NODES'];
        if (read.has('KAFKA_BROKERS') && config['KAFKA_BROKERS']) {
          env['KAFKA_BROKERS'] = shared.kafkaBrokers.join(',');
          env['KAFKA_GROUP_ID'] = uniqueName(`${app.name}-group`);
          // Other suites' bad events must not land in a dead-letter topic they may read.
          env['KAFKA_DEAD_LETTER_TOPIC'] = uniqueName('deploy-dead-letter');
          await createSharedKafkaTopic(env['KAFKA_DEAD_LETTER_TOPIC'], 1);
        }
        // What the Secret provides in production (the apps refuse to start without it there).
        if (read.has('JWT_SECRET')) env['JWT_SECRET'] = 'deploy-test-secret-at-least-32-characters';
        const container = deployment.spec?.template.spec?.containers.find((candidate) => candidate.name === app.name);
        const handle = await startAppProcess(app.name, {
          env,
          portVariable: app.portVariable,
          readyPath: container?.readinessProbe?.httpGet?.path,
          readyTimeoutMs: 30000,
        });
        apps.set(app.name, handle);
      }),
    );
    const failures = started.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length > 0) throw new Error(failures.map((failure) => String(failure.reason)).join('\n'));
  }, 60000);

  afterAll(async () => {
    await Promise.allSettled([...apps.values()].map((app) => app.stop('SIGKILL')));
  });

  it.each(DEPLOYED_APPS)('answers every probe path of the $name Deployment', async (app) => {
    const { container } = renderedApp(objects, app);
    const handle = apps.get(app.name)!;
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      const path = probe?.httpGet?.path ?? '(none)';
      const response = await fetch(handle.url + path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
  });

  it('exports every metric the alerts and the dashboard query, on the path Prometheus scrapes', async () => {
    const paths = new Set(objectsOfKind<IServiceMonitor>(objects, 'ServiceMonitor').flatMap((monitor) => (monitor.spec.endpoints ?? []).map((endpoint) => endpoint.path)));
    expect([...paths]).toEqual(['/metrics']);
    const exported = new Map<string, string>([['up', 'gauge']]);
    for (const app of DEPLOYED_APPS) {
      const text = await (await fetch(`${apps.get(app.name)!.url}/metrics`)).text();
      for (const [, family, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) exported.set(family, type);
    }
    const queried = [...alertRulesOf(objects).map((rule) => rule.expr), ...dashboardExpressions()].flatMap((expr) => parsePromQl(expr).metrics);
    expect([...new Set(queried.map(metricFamily))].filter((family) => !exported.has(family))).toEqual([]);
    // The metrics table of docs/OPERATIONS.md gives each metric's type as the apps export it.
    const documented = tableRows('docs/OPERATIONS.md', 'Metric').map((row) => ({ metric: ticks(row[0])[0], type: row[1] }));
    expect(documented).toEqual(documented.map(({ metric }) => ({ metric, type: exported.get(metric) })));
  });

  it('stops every app cleanly on SIGTERM within its termination grace period', async () => {
    const results = await Promise.all(
      DEPLOYED_APPS.map(async (app) => {
        const grace = (renderedApp(objects, app).deployment as IDeployment).spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
        const started = Date.now();
        const status = await apps.get(app.name)!.stop('SIGTERM');
        return { app: app.name, status, withinGrace: Date.now() - started < grace * 1000 };
      }),
    );
    expect(results).toEqual(DEPLOYED_APPS.map((app) => ({ app: app.name, status: 0, withinGrace: true })));
  }, 60000);
});
