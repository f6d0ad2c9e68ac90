import { parse } from 'yaml';
import { GATEWAY_METRICS } from '@moonx-farm/gateway';
import { DEPLOYED_APPS, effectiveValue } from './support/deployed-apps';
import { renderKustomization } from './support/kustomize-renderer';
import { README_THRESHOLDS, alertRulesOf, dashboardExpressions, readDashboard, type AlertRule } from './support/monitoring';
import { KNOWN_METRICS, metricFamily, parsePromQl } from './support/promql';
import { OVERLAYS, renderedApp } from './support/rendered-app';
import { isRecord, readWorkspaceFile, readYaml } from './support/workspace';

interface RuleGroups {
  groups: { name: string; rules: AlertRule[] }[];
}

const prometheusRuleFile = readYaml('k8s/base/shared/prometheusrule.yaml') as { spec: RuleGroups };
const localAlerts = readYaml('deploy/prometheus/alerts.yml') as RuleGroups;
const localRules = localAlerts.groups.flatMap((group) => group.rules);
const compose = parse(readWorkspaceFile('docker-compose.yml'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
};

const CAPACITY_ALERT = 'GatewayReplicaNearCapacity';

describe('alert rules', () => {
  it('are the same in the PrometheusRule and in the local stack', () => {
    expect(localAlerts).toEqual(prometheusRuleFile.spec);
  });

  it.each(localRules.map((rule) => [rule.alert, rule] as const))('%s is valid PromQL on metrics the apps export', (_, rule) => {
    const parsed = parsePromQl(rule.expr);
    expect(parsed.errors).toEqual([]);
    expect(parsed.metrics.length).toBeGreaterThan(0);
    expect(parsed.metrics.map(metricFamily).filter((family) => !KNOWN_METRICS.has(family))).toEqual([]);
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(rule.labels?.['severity']).toMatch(/^(info|warning|critical)$/);
    expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'summary']);
  });

  it.each(README_THRESHOLDS)('$alert fires above the README threshold of $metric ($threshold)', ({ alert, metric, threshold }) => {
    const rule = localRules.find((candidate) => candidate.alert === alert);
    expect(rule).toBeDefined();
    const parsed = parsePromQl(rule!.expr);
    expect(parsed.metrics).toContain(metric);
    expect(parsed.comparison).toEqual({ operator: '>', threshold });
  });

  it('takes its per-minute error rates from per-second rates', () => {
    for (const alert of ['RedisConnectionErrors', 'KafkaConnectionErrors']) {
      expect(localRules.find((rule) => rule.alert === alert)?.expr).toMatch(/rate\(\w+\[\d+m\]\)\) \* 60 >/);
    }
  });

  it('watches exactly the scrape jobs of the apps', () => {
    const targetDown = localRules.find((rule) => rule.alert === 'RealtimeTargetDown')?.expr ?? '';
    const jobs = /job=~"([^"]+)"/.exec(targetDown)?.[1].split('|').sort();
    expect(jobs).toEqual(DEPLOYED_APPS.map((app) => app.name).sort());
  });

  it('warns at 80% of MAX_CONNECTIONS per gateway replica, in the local stack and in every overlay', () => {
    const thresholdOf = (rules: AlertRule[]) => parsePromQl(rules.find((rule) => rule.alert === CAPACITY_ALERT)?.expr ?? '').comparison?.threshold;
    const localMax = Number(effectiveValue('gateway', 'MAX_CONNECTIONS', compose.services['gateway'].environment ?? {}));
    expect(thresholdOf(localRules)).toBe(localMax * 0.8);
    for (const overlay of OVERLAYS) {
      const objects = renderKustomization(`k8s/overlays/${overlay}`);
      const max = Number(effectiveValue('gateway', 'MAX_CONNECTIONS', renderedApp(objects, DEPLOYED_APPS[0]).config));
      expect({ overlay, threshold: thresholdOf(alertRulesOf(objects)) }).toEqual({ overlay, threshold: max * 0.8 });
    }
  });
});

describe('Prometheus of the local stack', () => {
  it('scrapes /metrics of every app on its service name and port, with the app name as job', () => {
    const config = readYaml('deploy/prometheus/prometheus.yml') as {
      rule_files: string[];
      scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    const expected = DEPLOYED_APPS.map((app) => ({
      job: app.name,
      path: '/metrics',
      targets: [`${app.name}:${String(effectiveValue(app.name, app.portVariable, compose.services[app.name].environment ?? {}))}`],
    }));
    const actual = config.scrape_configs.map((scrape) => ({ job: scrape.job_name, path: scrape.metrics_path, targets: scrape.static_configs.flatMap((entry) => entry.targets) }));
    expect(actual).toEqual(expected);
    const mounts = compose.services['prometheus'].volumes ?? [];
    expect(config.rule_files.every((file) => mounts.some((volume) => volume.endsWith(`:${file}:ro`)))).toBe(true);
  });
});

describe('Grafana dashboard', () => {
  const dashboard = readDashboard();

  it('queries valid PromQL on metrics the apps export', () => {
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(10);
    for (const expr of expressions) {
      const parsed = parsePromQl(expr);
      expect({ expr, errors: parsed.errors, unknown: parsed.metrics.map(metricFamily).filter((family) => !KNOWN_METRICS.has(family)) }).toEqual({ expr, errors: [], unknown: [] });
    }
  });

  it('shows every gateway metric', () => {
    const shown = new Set(dashboardExpressions(dashboard).flatMap((expr) => parsePromQl(expr).metrics.map(metricFamily)));
    expect(Object.values(GATEWAY_METRICS).filter((metric) => !shown.has(metric))).toEqual([]);
  });

  it('asks for its Prometheus data source through a variable, so it imports into any Grafana', () => {
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect({ panel: panel.title, datasource: panel.datasource }).toEqual({ panel: panel.title, datasource: { type: 'prometheus', uid: '${datasource}' } });
    }
  });

  it('lays out panels with unique ids inside the 24-column grid, without overlaps', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos, title } of dashboard.panels) {
      expect({ title, fits: gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24 }).toEqual({ title, fits: true });
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`) ? title : undefined).toBeUndefined();
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('is provisioned in the local stack from the folder compose mounts', () => {
    const provider = readYaml('deploy/grafana/provisioning/dashboards/dashboards.yml') as { providers: { options: { path: string } }[] };
    const datasources = readYaml('deploy/grafana/provisioning/datasources/prometheus.yml') as { datasources: { type: string; url: string }[] };
    const mounts = compose.services['grafana'].volumes ?? [];
    expect(mounts).toContain(`./deploy/grafana/dashboards:${provider.providers[0].options.path}:ro`);
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect(isRecord(dashboard)).toBe(true);
  });
});
