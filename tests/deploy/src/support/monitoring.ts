import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { objectsOfKind, type KubeObject } from './kustomize-renderer';
import { isRecord, readWorkspaceFile } from './workspace';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRulesOf(objects: KubeObject[]): AlertRule[] {
  return objectsOfKind<IPrometheusRule>(objects, 'PrometheusRule').flatMap((rule) =>
    (rule.spec.groups ?? []).flatMap((group) =>
      (group.rules ?? []).filter((entry) => entry.alert !== undefined).map((entry) => ({ ...entry, alert: entry.alert as string, expr: String(entry.expr) })),
    ),
  );
}

/**
 * The metrics table of the original README: metric, alert threshold (in the metric's unit:
 * seconds for latencies, a per-minute rate for error counters) and the alert that carries it.
 */
export const README_THRESHOLDS = [
  { alert: 'WebsocketConnectionsNearCapacity', metric: 'websocket_connections_total', threshold: 800_000 },
  { alert: 'PriceUpdateLatencyHigh', metric: 'price_update_latency_bucket', threshold: 0.005 },
  { alert: 'KafkaConsumerLagHigh', metric: 'kafka_consumer_lag', threshold: 1000 },
  { alert: 'RedisConnectionErrors', metric: 'redis_connection_errors', threshold: 1 },
  { alert: 'KafkaConnectionErrors', metric: 'kafka_connection_errors', threshold: 5 },
  { alert: 'GatewayHeapUsageHigh', metric: 'memory_usage_percentage', threshold: 80 },
  { alert: 'BroadcastLatencyHigh', metric: 'event_broadcasting_latency_bucket', threshold: 0.01 },
] as const;

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string } }[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query?: string }[] };
  panels: GrafanaPanel[];
}

export const DASHBOARD_FILE = 'deploy/grafana/dashboards/gateway.json';

export function readDashboard(): GrafanaDashboard {
  const parsed: unknown = JSON.parse(readWorkspaceFile(DASHBOARD_FILE));
  if (!isRecord(parsed) || !Array.isArray(parsed['panels'])) throw new Error(`${DASHBOARD_FILE} has no panels`);
  return parsed as unknown as GrafanaDashboard;
}

/** Every PromQL expression the dashboard queries. */
export function dashboardExpressions(dashboard: GrafanaDashboard = readDashboard()): string[] {
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
}
