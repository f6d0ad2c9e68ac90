import { randomBytes } from 'node:crypto';
import { assertValidTopicName } from './kafka-test-broker-launcher';
import { requestTopicCreation } from './kafka-topic-control';

/** Environment variables the Jest global setup exports to the test workers. */
export const TEST_ENV_VARS = {
  redisHost: 'TEST_REDIS_HOST',
  redisPort: 'TEST_REDIS_PORT',
  /** Comma-separated host:port list. */
  kafkaBrokers: 'TEST_KAFKA_BROKERS',
  /** Port of the main process's topic-creation server (see kafka-topic-control.ts). */
  kafkaControlPort: 'TEST_KAFKA_CONTROL_PORT',
} as const;

/**
 * Topics the shared broker has from the start, 3 partitions each. Mirrors KAFKA_TOPICS and
 * DEAD_LETTER_TOPIC of libs/events: the global setup runs outside Jest's module mapper, so it
 * cannot import @moonx-farm/events, and this tool must not depend on application code.
 */
export const DEFAULT_KAFKA_TOPICS: readonly string[] = [
  'price.updates',
  'order.book.updates',
  'trade.notifications',
  'portfolio.updates',
  'system.alerts',
  'gateway.dead-letter',
];
export const DEFAULT_TOPIC_PARTITIONS = 3;

export interface SharedTestEnv {
  redis: { host: string; port: number };
  kafkaBrokers: string[];
}

/**
 * The redis-server and Kafka test broker started once per Jest run by the global setup. They
 * are shared by every suite, possibly in parallel: use uniqueName() for keys, topics and
 * consumer groups, and never FLUSHALL or fault-inject on them (start your own instead).
 */
export function getSharedTestEnv(): SharedTestEnv {
  const host = process.env[TEST_ENV_VARS.redisHost];
  const port = Number(process.env[TEST_ENV_VARS.redisPort]);
  const brokers = process.env[TEST_ENV_VARS.kafkaBrokers];
  if (!host || !Number.isInteger(port) || port <= 0 || !brokers) {
    throw new Error(
      `The shared test environment is missing (${Object.values(TEST_ENV_VARS).slice(0, 3).join(', ')} ` +
        'are not set). Run Jest from the workspace root with the root jest.config.js, whose ' +
        'globalSetup (tools/test-env/src/jest-global-setup.ts) starts redis-server and the Kafka test broker.',
    );
  }
  return { redis: { host, port }, kafkaBrokers: brokers.split(',') };
}

/**
 * Creates a topic on the shared Kafka test broker with a chosen partition count, from any test
 * worker. Topics that are only produced to or subscribed to also appear on their own (the
 * mock auto-creates them with 4 partitions), so call this when the partition count matters.
 */
export async function createSharedKafkaTopic(name: string, partitions = 1, replication = 1): Promise<void> {
  getSharedTestEnv(); // same error as everywhere when the global setup did not run
  assertValidTopicName(name); // also keeps the line protocol intact
  const port = Number(process.env[TEST_ENV_VARS.kafkaControlPort]);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`${TEST_ENV_VARS.kafkaControlPort} is not set; was the global setup of tools/test-env run?`);
  }
  await requestTopicCreation(port, name, partitions, replication);
}

let counter = 0;

/**
 * A name no other test (in this or a parallel worker, or a previous run against the same
 * servers) uses: `<prefix>-<pid>-<counter>-<random>`. Only characters legal in Kafka topic
 * names, Redis keys and consumer group ids are used.
 */
export function uniqueName(prefix = 'test'): string {
  const safePrefix = prefix.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 180);
  counter += 1;
  return `${safePrefix}-${process.pid}-${counter}-${randomBytes(4).toString('hex')}`;
}
