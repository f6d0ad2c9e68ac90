import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createEventPublisher, createRoomName, DEAD_LETTER_TOPIC, DEXEventType, KAFKA_TOPICS, type ProducerEventInput } from '@moonx-farm/events';
import type { RedisSettings } from '@moonx-farm/server-core';
import { createRedisConnection, RedisRoomStore, waitUntilReady, type RedisConnection } from '@moonx-farm/server-redis';
import {
  startAppProcess,
  startKafkaTestBroker,
  startRedisServer,
  uniqueName,
  type AppProcessHandle,
  type KafkaBrokerHandle,
  type RedisServerHandle,
} from '@moonx-farm/test-env';

/*
 * Ingest under failure, each test on its own broker and Redis so faults hurt nobody else:
 * an ingest killed mid-batch and restarted, a partition leader's broker going down and up,
 * and a Redis restart (with its append-only file, as production runs it).
 */
const SYMBOLS = ['BTC-USDC', 'ETH-USDC', 'SOL-USDC', 'ARB-USDC'];

describe('ingest recovery', () => {
  let broker: KafkaBrokerHandle;
  let redisServer: RedisServerHandle;
  let redis: RedisConnection;
  let store: RedisRoomStore;
  let producer: Producer;
  const prefix = `${uniqueName('recovery')}:`;
  const ingests: AppProcessHandle[] = [];

  const startIngest = () =>
    startAppProcess('ingest', {
      portVariable: 'INGEST_HTTP_PORT',
      readyPath: '/ready',
      readyTimeoutMs: 30000,
      env: {
        REDIS_HOST: redisServer.host,
        REDIS_PORT: String(redisServer.port),
        REDIS_KEY_PREFIX: prefix,
        KAFKA_BROKERS: broker.bootstrap,
        KAFKA_GROUP_ID: 'recovery-ingest',
        KAFKA_FROM_BEGINNING: 'true',
        KAFKA_MAX_WAIT_MS: '10',
        KAFKA_SESSION_TIMEOUT: '6000',
        KAFKA_HEARTBEAT_INTERVAL: '500',
        ROOM_HISTORY_LENGTH: '100000',
      },
    }).then((ingest) => {
      ingests.push(ingest);
      return ingest;
    });

  const pricesOf = (symbol: string, from: number, count: number): ProducerEventInput[] =>
    Array.from({ length: count }, (_, index) => ({
      id: `${symbol}-${from + index}`,
      type: DEXEventType.PRICE_UPDATE,
      symbol,
      timestamp: Date.now(),
      data: { price: `${from + index + 1}` },
    }));

  /** Every room's history: contiguous seqs from 1, each event id once, in publish order. */
  const expectRoomsComplete = async (perSymbol: number, timeoutMs = 30000) => {
    const deadline = Date.now() + timeoutMs;
    for (const symbol of SYMBOLS) {
      const room = createRoomName.price(symbol);
      while ((await store.currentSeq(room)) < perSymbol && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const history = await store.readSince(room, 0, perSymbol + 10);
      if (!history.complete) throw new Error(`history of ${room} is incomplete`);
      const envelopes = history.envelopes.map((envelope) => JSON.parse(envelope) as { seq: number; payload: { id: string } });
      expect(envelopes.map((envelope) => envelope.seq)).toEqual(Array.from({ length: perSymbol }, (_, index) => index + 1));
      expect(envelopes.map((envelope) => envelope.payload.id)).toEqual(Array.from({ length: perSymbol }, (_, index) => `${symbol}-${index}`));
    }
  };

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'recovery-redis-'));
    [broker, redisServer] = await Promise.all([
      startKafkaTestBroker({
        brokers: 3,
        topics: [...Object.values(KAFKA_TOPICS), DEAD_LETTER_TOPIC].map((name) => ({ name, partitions: 4 })),
      }),
      startRedisServer({ extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] }),
    ]);
    const settings: RedisSettings = { host: redisServer.host, port: redisServer.port, db: 0, keyPrefix: prefix, clusterNodes: [] };
    redis = createRedisConnection(settings, { name: 'recovery-test' });
    await waitUntilReady(redis);
    store = new RedisRoomStore(redis, { historyLimit: 100000, dedupeWindow: 100000 }, prefix);
    const kafka = new Kafka({ clientId: 'recovery-producer', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } });
    producer = kafka.producer();
    await producer.connect();
  }, 60000);

  afterAll(async () => {
    await Promise.allSettled(ingests.map((ingest) => ingest.stop('SIGKILL')));
    await producer?.disconnect().catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    await Promise.allSettled([broker?.stop(), redisServer?.stop()]);
  }, 60000);

  it('an ingest killed mid-batch and restarted leaves no room with a duplicated or skipped seq', async () => {
    const publisher = createEventPublisher(producer);
    const perSymbol = 1500;
    const first = await startIngest();
    const publishing = (async () => {
      for (let from = 0; from < perSymbol; from += 100) {
        await publisher.publishMany(SYMBOLS.flatMap((symbol) => pricesOf(symbol, from, 100)));
      }
    })();
    // Kill it once it is well into the stream, while batches are in flight.
    const deadline = Date.now() + 30000;
    while ((await store.currentSeq(createRoomName.price('BTC-USDC'))) < 300) {
      if (Date.now() > deadline) throw new Error('ingest did not get going');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.stop('SIGKILL');
    await publishing;
    await startIngest();
    await expectRoomsComplete(perSymbol, 45000);
  }, 120000);

  it('a partition leader going down and up, and a Redis restart, lose nothing that was acknowledged', async () => {
    const publisher = createEventPublisher(producer);
    const perSymbol = 2100;
    // Continues the rooms of the previous test: ids and seqs go on from 1500.
    const publishRange = async (from: number, to: number) => {
      for (let start = from; start < to; start += 100) await publisher.publishMany(SYMBOLS.flatMap((symbol) => pricesOf(symbol, start, Math.min(100, to - start))));
    };
    await publishRange(1500, 1700);
    await broker.setBrokerDown(1);
    const duringOutage = publishRange(1700, 1800);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await broker.setBrokerUp(1);
    await duringOutage;
    await redisServer.restart();
    await publishRange(1800, perSymbol);
    await expectRoomsComplete(perSymbol, 60000);
  }, 150000);
});
