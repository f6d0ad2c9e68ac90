import type { DynamicModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { Counter, register } from 'prom-client';
import { getHeapStatistics } from 'node:v8';

/**
 * The app-level Prometheus module (`GET /metrics`). Default process metrics are collected
 * once per process: the embedded default and the tests compose several service modules in
 * one process, and prom-client refuses to register a metric name twice.
 */
export function metricsModule(): DynamicModule {
  const alreadyCollecting = register.getSingleMetric('process_cpu_user_seconds_total') !== undefined;
  return PrometheusModule.register({
    path: '/metrics',
    defaultMetrics: { enabled: !alreadyCollecting },
  });
}

/** Heap used as a percentage of the heap limit, the README's `memory_usage_percentage`. */
export function heapUsagePercent(): number {
  const stats = getHeapStatistics();
  return (stats.used_heap_size / stats.heap_size_limit) * 100;
}

export type ConnectionErrorMetric = 'redis_connection_errors' | 'kafka_connection_errors';

/**
 * Counts a connection error. Adapters report errors outside Nest's injection (from client
 * callbacks), so the counter is looked up in, or added to, the default registry.
 */
export function countConnectionError(name: ConnectionErrorMetric): void {
  const existing = register.getSingleMetric(name) as Counter | undefined;
  (existing ?? new Counter({ name, help: name === 'redis_connection_errors' ? 'Redis connection errors' : 'Kafka connection errors' })).inc();
}
