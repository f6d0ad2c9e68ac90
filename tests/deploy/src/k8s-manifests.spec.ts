import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIoK8sApiCoreV1Container as Container, IIoK8sApiCoreV1Probe as Probe } from 'kubernetes-models/v1';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import {
  DEPLOYED_APPS,
  RUNTIME_VARIABLES,
  documentedEnvNames,
  effectiveValue,
  envNamesReadBy,
  envValueProblems,
  forcedExitMsOf,
  type DeployedApp,
} from './support/deployed-apps';
import { execForm, instructionsOf, readDockerfile } from './support/dockerfile';
import { findObject, objectsOfKind, renderKustomization, type KubeObject } from './support/kustomize-renderer';
import { schemaProblems, unknownFieldProblems } from './support/kubernetes-schema';
import { OVERLAYS, labelsMatch, renderedApp } from './support/rendered-app';

function probePort(probe: Probe | undefined, container: Container): number | undefined {
  const port = probe?.httpGet?.port;
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

it('has the dev and production overlays', () => {
  expect(OVERLAYS).toEqual(expect.arrayContaining(['dev', 'production']));
});

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  let objects: KubeObject[];

  beforeAll(() => {
    objects = renderKustomization(`k8s/overlays/${overlay}`);
  });

  it('renders objects that validate against the Kubernetes and prometheus-operator schemas', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(schemaProblems(objects)).toEqual([]);
  });

  it('uses only fields the API types have (the schemas alone would accept a misspelt field)', () => {
    expect(unknownFieldProblems(objects)).toEqual([]);
  }, 60000);

  it('puts every object in the overlay namespace, which it creates', () => {
    const namespace = objects.find((object) => object.kind === 'Namespace')?.metadata.name;
    expect(namespace).toBeDefined();
    const outside = objects.filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== namespace);
    expect(outside.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([]);
  });

  it('keeps secret values out: no Secret objects, secrets only through secretKeyRef', () => {
    const secretName = /PASSWORD|SECRET|API_KEY|SASL_USERNAME/;
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    const configKeys = objectsOfKind<{ data?: Record<string, string> }>(objects, 'ConfigMap').flatMap((map) => Object.keys(map.data ?? {}));
    expect(configKeys.filter((key) => secretName.test(key))).toEqual([]);
    for (const app of DEPLOYED_APPS) {
      const { container } = renderedApp(objects, app);
      for (const variable of container.env ?? []) {
        if (secretName.test(variable.name)) {
          expect({ name: variable.name, value: variable.value, secretRef: variable.valueFrom?.secretKeyRef?.name }).toEqual({
            name: variable.name,
            value: undefined,
            secretRef: 'moonx-realtime-secrets',
          });
        }
      }
    }
  });

  describe.each(DEPLOYED_APPS)('$name', (app) => {
    it('sets only variables the app reads, each documented in env.example', () => {
      const { envNames } = renderedApp(objects, app);
      const read = envNamesReadBy(app.name);
      const documented = documentedEnvNames();
      expect(envNames.filter((name) => !read.has(name) && !RUNTIME_VARIABLES.includes(name))).toEqual([]);
      expect([...read].filter((name) => !documented.has(name))).toEqual([]);
      expect(new Set(envNames).size).toBe(envNames.length);
    });

    it('configures values the app accepts', () => {
      expect(envValueProblems(app.name, renderedApp(objects, app).config)).toEqual([]);
    });

    it('listens, is probed and is served on the port the app reads', () => {
      const { container, config } = renderedApp(objects, app);
      const port = Number(effectiveValue(app.name, app.portVariable, config));
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(container.livenessProbe?.httpGet?.path).toBe('/health');
      expect(container.startupProbe?.httpGet?.path).toBe('/health');
      expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
        expect(probePort(probe, container)).toBe(port);
      }
      const service = findObject<IService>(objects, 'Service', app.name);
      expect(service.spec?.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);
      expect(labelsMatch(service.spec?.selector, renderedApp(objects, app).deployment.spec?.template.metadata?.labels)).toBe(true);
    });

    it('runs the image of its Dockerfile, as its non-root user, with requests and limits', () => {
      const { deployment, container } = renderedApp(objects, app);
      const [imageName, tag] = (container.image ?? '').split(':');
      expect(imageName).toBe(app.image);
      expect(tag).toMatch(/^[\w.-]+$/);
      const runtime = readDockerfile(`apps/${app.name}/Dockerfile`).stages.at(-1);
      const [uid, gid] = (instructionsOf(runtime!, 'USER').at(-1) ?? '').split(':').map(Number);
      const pod = deployment.spec?.template.spec;
      expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: gid });
      expect(uid).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(execForm(instructionsOf(runtime!, 'CMD').at(-1) ?? '')).toEqual(['node', `dist/apps/${app.name}/main.js`]);
      expect(container.command).toBeUndefined();
      expect(container.args).toBeUndefined();
    });

    it('is killed only after its own shutdown deadline (preStop + drain + close)', () => {
      const { deployment, container, config } = renderedApp(objects, app);
      const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop).toEqual(['sleep', expect.stringMatching(/^\d+$/)]);
      const graceMs = (deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      expect(graceMs).toBeGreaterThan(Number(preStop[1]) * 1000 + forcedExitMsOf(app.name, config));
    });

    it('spreads its replicas and keeps one disruption at a time', () => {
      const { deployment } = renderedApp(objects, app);
      const labels = deployment.spec?.template.metadata?.labels;
      expect(labelsMatch(deployment.spec?.selector.matchLabels, labels)).toBe(true);
      const antiAffinity = deployment.spec?.template.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      expect(antiAffinity.some((term) => term.podAffinityTerm.topologyKey === 'kubernetes.io/hostname' && labelsMatch(term.podAffinityTerm.labelSelector?.matchLabels, labels))).toBe(true);
      const budgets = objectsOfKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((pdb) => labelsMatch(pdb.spec?.selector?.matchLabels, labels));
      expect(budgets.map((pdb) => pdb.spec?.maxUnavailable)).toEqual([1]);
      const autoscaler = objectsOfKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').find((hpa) => hpa.spec?.scaleTargetRef.name === app.name);
      if (autoscaler) {
        // An applied replica count would fight the autoscaler on every apply.
        expect(deployment.spec?.replicas).toBeUndefined();
        expect(autoscaler.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app.name });
        expect(autoscaler.spec?.minReplicas).toBeGreaterThanOrEqual(1);
        expect(autoscaler.spec!.maxReplicas).toBeGreaterThan(autoscaler.spec!.minReplicas!);
      } else {
        expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(1);
      }
    });

    it('is isolated by a NetworkPolicy that still admits its port, DNS, Redis and Kafka', () => {
      const { deployment, config } = renderedApp(objects, app);
      const labels = deployment.spec?.template.metadata?.labels;
      const policies = objectsOfKind<INetworkPolicy>(objects, 'NetworkPolicy').filter((policy) => labelsMatch(policy.spec?.podSelector.matchLabels, labels));
      expect(policies).toHaveLength(1);
      const [policy] = policies;
      expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.spec?.ingress?.flatMap((rule) => rule.ports ?? []).map((port) => port.port)).toContain('http');
      const egress = (policy.spec?.egress ?? []).filter((rule) => rule.to === undefined).flatMap((rule) => rule.ports ?? []);
      const allowed = (port: number, protocol = 'TCP') => egress.some((rule) => rule.port === port && (rule.protocol ?? 'TCP') === protocol);
      expect(allowed(53, 'UDP')).toBe(true);
      const read = envNamesReadBy(app.name);
      const needed: number[] = [];
      if (read.has('REDIS_HOST')) {
        const nodes = effectiveValue(app.name, 'REDIS_CLUSTER_NODES', config) as string[];
        needed.push(...(nodes.length > 0 ? nodes.map((node) => Number(node.split(':').at(-1))) : [Number(effectiveValue(app.name, 'REDIS_PORT', config))]));
      }
      if (read.has('KAFKA_BROKERS')) {
        needed.push(...(effectiveValue(app.name, 'KAFKA_BROKERS', config) as string[]).map((broker) => Number(broker.split(':').at(-1))));
      }
      expect(needed.filter((port) => !allowed(port))).toEqual([]);
    });
  });

  it('gives every app that talks to Redis the same Redis and key prefix', () => {
    const redisOf = (app: DeployedApp) => {
      const { config } = renderedApp(objects, app);
      return ['REDIS_HOST', 'REDIS_PORT', 'REDIS_DB', 'REDIS_KEY_PREFIX', 'REDIS_CLUSTER_NODES'].map((name) => effectiveValue(app.name, name, config));
    };
    const users = DEPLOYED_APPS.filter((app) => envNamesReadBy(app.name).has('REDIS_HOST'));
    expect(users.length).toBeGreaterThanOrEqual(2);
    for (const app of users) expect(redisOf(app)).toEqual(redisOf(users[0]));
  });

  it('scrapes /metrics on the http port of every app Service', () => {
    const monitors = objectsOfKind<IServiceMonitor>(objects, 'ServiceMonitor');
    for (const app of DEPLOYED_APPS) {
      const service = findObject<IService>(objects, 'Service', app.name);
      const monitor = monitors.find((candidate) => labelsMatch(candidate.spec.selector.matchLabels, service.metadata.labels));
      expect({ app: app.name, endpoints: monitor?.spec.endpoints?.map((endpoint) => [endpoint.port, endpoint.path]) }).toEqual({
        app: app.name,
        endpoints: [['http', '/metrics']],
      });
    }
  });
});
