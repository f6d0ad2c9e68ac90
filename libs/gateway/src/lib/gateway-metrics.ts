import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { heapUsagePercent } from '@moonx-farm/server-core';

/** Metric names of the original README, which dashboards and alerts already use. */
export const GATEWAY_METRICS = {
  connections: 'websocket_connections_total',
  messages: 'websocket_messages_per_second',
  broadcastLatency: 'event_broadcasting_latency',
  priceLatency: 'price_update_latency',
  redisErrors: 'redis_connection_errors',
  heap: 'memory_usage_percentage',
  rejectedRequests: 'websocket_rejected_requests_total',
  conflated: 'websocket_conflated_updates_total',
  slowSocketActions: 'websocket_slow_socket_actions_total',
  frameBudget: 'websocket_batch_frame_budget',
  heapGrowingPercent: 'gateway_heap_growing_percent',
} as const;

/**
 * Seconds. Dense from 2 to 100 ms, where deliveries to large rooms fall: histogram_quantile()
 * interpolates inside a bucket, so with (10, 25] alone a p50 of 14 ms could read anywhere in
 * it. The alert thresholds (5 and 10 ms) stay bucket bounds.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.035, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 5];

export const gatewayMetricProviders = [
  makeGaugeProvider({ name: GATEWAY_METRICS.connections, help: 'Open WebSocket connections on this replica' }),
  makeCounterProvider({
    name: GATEWAY_METRICS.messages,
    help: 'Messages sent to sockets (a counter: use rate() for messages per second)',
    labelNames: ['event'],
  }),
  makeHistogramProvider({
    name: GATEWAY_METRICS.broadcastLatency,
    help: 'Producer timestamp to socket write, seconds, per event type',
    labelNames: ['type'],
    buckets: LATENCY_BUCKETS,
  }),
  makeHistogramProvider({
    name: GATEWAY_METRICS.priceLatency,
    help: 'Producer timestamp to socket write for price updates, seconds',
    buckets: LATENCY_BUCKETS,
  }),
  makeCounterProvider({ name: GATEWAY_METRICS.redisErrors, help: 'Redis connection errors' }),
  makeGaugeProvider({
    name: GATEWAY_METRICS.heap,
    help: 'Heap used as a percentage of the heap limit',
    collect() {
      this.set(heapUsagePercent());
    },
  }),
  makeCounterProvider({
    name: GATEWAY_METRICS.conflated,
    help: 'Market data updates skipped for slow sockets (superseded; a snapshot follows)',
  }),
  makeCounterProvider({
    name: GATEWAY_METRICS.slowSocketActions,
    help: 'Slow sockets paused, resynced with a snapshot, or disconnected',
    labelNames: ['action'],
  }),
  makeGaugeProvider({
    name: GATEWAY_METRICS.frameBudget,
    help: 'Frames per second batched delivery may write now; below its maximum, the replica is at its event-loop target',
  }),
  makeGaugeProvider({
    name: GATEWAY_METRICS.heapGrowingPercent,
    help: "V8's --heap-growing-percent in force (0: V8's heuristics); CONNECT_BURST_HEAP_GROWING_PERCENT while a burst of connects lasts",
  }),
  makeCounterProvider({
    name: GATEWAY_METRICS.rejectedRequests,
    help: 'Client requests answered with an error, by error code',
    labelNames: ['code'],
  }),
];
