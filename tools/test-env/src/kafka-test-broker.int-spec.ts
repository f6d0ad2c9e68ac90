import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { ensureKafkaTestBroker } from './ensure-binaries';
import { startKafkaTestBroker, type KafkaBrokerHandle } from './kafka-test-broker-launcher';
import { uniqueName } from './shared-test-env';

// Settings the mock needs: it holds an empty fetch for the whole maxWaitTimeInMs (so keep it
// tiny), and its group coordinator delays the first join by ~3 s.
const CONSUMER_SETTINGS = { maxWaitTimeInMs: 10, sessionTimeout: 6000, heartbeatInterval: 1000 };

function kafkaClient(broker: KafkaBrokerHandle): Kafka {
  return new Kafka({
    clientId: uniqueName('test-env'),
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

interface Received {
  partition: number;
  key: string;
  value: string;
}

/** Runs a consumer group on `topic` from the beginning until `count` messages arrived. */
async function consume(kafka: Kafka, topic: string, count: number): Promise<Received[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('group'), ...CONSUMER_SETTINGS });
  const received: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${received.length}/${count} messages`)), 15_000);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, key: String(message.key), value: String(message.value) });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('Kafka test broker (librdkafka mock) with kafkajs', () => {
  describe('one broker', () => {
    let broker: KafkaBrokerHandle;
    let producer: Producer;
    let kafka: Kafka;

    beforeAll(async () => {
      broker = await startKafkaTestBroker({ topics: [{ name: 'preset', partitions: 2 }] });
      kafka = kafkaClient(broker);
      producer = kafka.producer();
      await producer.connect();
    });

    afterAll(async () => {
      await producer?.disconnect();
      await broker?.stop();
    });

    it('exposes the bootstrap list and creates topics with the requested partitions', async () => {
      expect(broker.brokers).toHaveLength(1);
      expect(broker.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      const topic = uniqueName('created');
      await broker.createTopic(topic, 3);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic, 'preset'] });
        const partitionCounts = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
        expect(partitionCounts).toEqual({ [topic]: 3, preset: 2 });
      } finally {
        await admin.disconnect();
      }
    });

    it('exits by itself when its stdin closes, so it never outlives the test run', async () => {
      const child = spawn(ensureKafkaTestBroker(), [], { stdio: ['pipe', 'pipe', 'inherit'] });
      const [firstLine] = (await once(child.stdout, 'data')) as [Buffer];
      expect(firstLine.toString()).toMatch(/^BOOTSTRAP 127\.0\.0\.1:\d+\n$/);
      child.stdin.end();
      expect(await once(child, 'exit')).toEqual([0, null]);
    });

    it('rejects a failing command with the broker error and keeps serving later ones', async () => {
      await expect(broker.setBrokerDown(42)).rejects.toThrow(/down 42: .*Broker not available/);
      await expect(broker.createTopic('bad name')).rejects.toThrow(/invalid Kafka topic name/);
      await expect(broker.setBrokerUp(1)).resolves.toBeUndefined();
    });

    it('delivers produced messages to a consumer group, in order per key', async () => {
      const topic = uniqueName('orders');
      await broker.createTopic(topic, 3);
      const keys = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'user-1'];
      const messages = Array.from({ length: 40 }, (_, i) => ({ key: keys[i % keys.length], value: String(i) }));
      await producer.send({ topic, messages });

      const received = await consume(kafka, topic, messages.length);

      expect(received.map((m) => Number(m.value)).sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));
      for (const key of keys) {
        const values = received.filter((m) => m.key === key).map((m) => Number(m.value));
        expect(values).toEqual([...values].sort((a, b) => a - b));
        expect(new Set(received.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
      }
    });
  });

  describe('fault injection with three brokers', () => {
    let broker: KafkaBrokerHandle;
    let kafka: Kafka;
    let producer: Producer;

    beforeAll(async () => {
      broker = await startKafkaTestBroker({ brokers: 3 });
      kafka = kafkaClient(broker);
      producer = kafka.producer();
      await producer.connect();
    });

    afterAll(async () => {
      await producer?.disconnect();
      await broker?.stop();
    });

    async function leaderOf(topic: string): Promise<number> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return topics[0].partitions[0].leader;
      } finally {
        await admin.disconnect();
      }
    }

    it('a produce retries while the leader is down and succeeds once it is back up', async () => {
      const topic = uniqueName('outage');
      await broker.createTopic(topic, 1);
      await broker.setPartitionLeader(topic, 0, 2);
      await producer.send({ topic, messages: [{ key: 'k', value: 'before' }] });
      expect(await leaderOf(topic)).toBe(2);

      await broker.setBrokerDown(2);
      let delivered = false;
      const sending = producer.send({ topic, messages: [{ key: 'k', value: 'during' }] }).then(() => {
        delivered = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(delivered).toBe(false);
      await broker.setBrokerUp(2);
      await sending;

      await producer.send({ topic, messages: [{ key: 'k', value: 'after' }] });
      const received = await consume(kafka, topic, 3);
      expect(received.map((m) => m.value)).toEqual(['before', 'during', 'after']);
    });

    it('a produce follows the leader when it moves away from a down broker', async () => {
      const topic = uniqueName('failover');
      await broker.createTopic(topic, 1);
      await broker.setPartitionLeader(topic, 0, 3);
      await producer.send({ topic, messages: [{ key: 'k', value: 'one' }] });

      await broker.setBrokerDown(3);
      const sending = producer.send({ topic, messages: [{ key: 'k', value: 'two' }] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await broker.setPartitionLeader(topic, 0, 1);
      await sending;
      expect(await leaderOf(topic)).toBe(1);
      await broker.setBrokerUp(3);

      const admin = kafka.admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchTopicOffsets(topic);
        expect(offsets).toMatchObject({ partition: 0, low: '0', high: '2' });
      } finally {
        await admin.disconnect();
      }
    });
  });
});
