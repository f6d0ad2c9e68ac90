import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import {
  DEFAULT_KAFKA_TOPICS,
  DEFAULT_TOPIC_PARTITIONS,
  TEST_ENV_VARS,
  createSharedKafkaTopic,
  getSharedTestEnv,
  uniqueName,
} from './shared-test-env';

describe('shared test environment (Jest global setup)', () => {
  it('exports the addresses to the workers', () => {
    expect(process.env[TEST_ENV_VARS.redisHost]).toBe('127.0.0.1');
    expect(process.env[TEST_ENV_VARS.redisPort]).toMatch(/^\d+$/);
    expect(process.env[TEST_ENV_VARS.kafkaBrokers]).toMatch(/^127\.0\.0\.1:\d+$/);
    const env = getSharedTestEnv();
    expect(env.redis).toEqual({ host: '127.0.0.1', port: Number(process.env[TEST_ENV_VARS.redisPort]) });
    expect(env.kafkaBrokers).toEqual([process.env[TEST_ENV_VARS.kafkaBrokers]]);
  });

  it('has a shared Redis that answers', async () => {
    const { redis } = getSharedTestEnv();
    const client = new Redis({ ...redis, lazyConnect: true });
    await client.connect();
    try {
      const key = uniqueName('shared-env');
      expect(await client.set(key, 'v', 'EX', 60)).toBe('OK');
      expect(await client.get(key)).toBe('v');
    } finally {
      client.disconnect();
    }
  });

  it('has a shared Kafka test broker with the default topics, and creates more on request', async () => {
    const kafka = new Kafka({ brokers: getSharedTestEnv().kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = uniqueName('shared-topic');
    await createSharedKafkaTopic(topic, 2);
    await expect(createSharedKafkaTopic('no spaces allowed')).rejects.toThrow(/invalid Kafka topic name/);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...DEFAULT_KAFKA_TOPICS, topic] });
      const partitionCounts = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitionCounts).toEqual({
        ...Object.fromEntries(DEFAULT_KAFKA_TOPICS.map((name) => [name, DEFAULT_TOPIC_PARTITIONS])),
        [topic]: 2,
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('makes unique names that are valid topic names', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('orders/BTC USDT')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^orders-BTC-USDT-\d+-\d+-[0-9a-f]{8}$/);
  });
});
