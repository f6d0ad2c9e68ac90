import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const INGEST_METRICS = {
  events: 'ingest_events_total',
  deadLetters: 'ingest_dead_letters_total',
  lag: 'kafka_consumer_lag',
  kafkaErrors: 'kafka_connection_errors',
  redisErrors: 'redis_connection_errors',
  batchLatency: 'ingest_batch_duration_seconds',
} as const;

export const ingestMetricProviders = [
  makeCounterProvider({ name: INGEST_METRICS.events, help: 'Events ingested, by type and outcome', labelNames: ['type', 'outcome'] }),
  makeCounterProvider({ name: INGEST_METRICS.deadLetters, help: 'Events sent to the dead-letter topic', labelNames: ['topic'] }),
  makeGaugeProvider({ name: INGEST_METRICS.lag, help: 'Messages behind the end of each partition', labelNames: ['topic', 'partition'] }),
  makeCounterProvider({ name: INGEST_METRICS.kafkaErrors, help: 'Kafka connection errors' }),
  makeCounterProvider({ name: INGEST_METRICS.redisErrors, help: 'Redis connection errors' }),
  makeHistogramProvider({
    name: INGEST_METRICS.batchLatency,
    help: 'Time to validate, sequence and store one batch',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  }),
];
