import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  createEventPublisher,
  DEXEventType,
  KAFKA_TOPICS,
  type JoinRoomAck,
  type PriceUpdateMessage,
  type TradeNotificationMessage,
} from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import {
  connectTestSocket,
  createSharedKafkaTopic,
  getSharedTestEnv,
  startAppProcess,
  uniqueName,
  type AppProcessHandle,
  type TestSocket,
} from '@moonx-farm/test-env';

/*
 * The skeleton, proven with real parts: a kafkajs producer → the Kafka test broker →
 * apps/ingest (its own process) → Redis → apps/gateway (its own process) → socket.io-client.
 */
describe('one event end to end (Kafka → ingest → Redis → gateway → client)', () => {
  const env = getSharedTestEnv();
  const secret = 'e2e-secret-at-least-32-characters-long!';
  const userId = uniqueName('trader');
  const deadLetterTopic = uniqueName('dead-letter');
  const shared = {
    REDIS_HOST: env.redis.host,
    REDIS_PORT: String(env.redis.port),
    REDIS_KEY_PREFIX: `${uniqueName('e2e')}:`,
  };
  let ingest: AppProcessHandle;
  let gateway: AppProcessHandle;
  let authBridge: AppProcessHandle;
  let kafka: Kafka;
  let producer: Producer;
  let deadLetters: Consumer;
  const deadLetterValues: string[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    await createSharedKafkaTopic(deadLetterTopic, 1);
    [ingest, gateway, authBridge] = await Promise.all([
      startAppProcess('ingest', {
        portVariable: 'INGEST_HTTP_PORT',
        readyPath: '/ready',
        env: {
          ...shared,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          KAFKA_GROUP_ID: uniqueName('ingest'),
          KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
          KAFKA_FROM_BEGINNING: 'false',
          KAFKA_MAX_WAIT_MS: '10',
          KAFKA_SESSION_TIMEOUT: '6000',
          KAFKA_HEARTBEAT_INTERVAL: '500',
        },
      }),
      startAppProcess('gateway', { portVariable: 'WEBSOCKET_GATEWAY_PORT', readyPath: '/ready', env: { ...shared, KNOWN_SYMBOLS: 'BTC-USDC' } }),
      startAppProcess('auth-bridge', { portVariable: 'AUTH_BRIDGE_PORT', readyPath: '/ready', env: { ...shared, JWT_SECRET: secret } }),
    ]);
    kafka = new Kafka({ clientId: 'e2e-producer', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    deadLetters = kafka.consumer({ groupId: uniqueName('dlq-reader'), maxWaitTimeInMs: 10, sessionTimeout: 6000, heartbeatInterval: 500 });
    await deadLetters.connect();
    await deadLetters.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await deadLetters.run({ eachMessage: async ({ message }) => void deadLetterValues.push(message.value?.toString() ?? '') });
    // The group has joined once ingest reports ready; a short settle lets its first fetch start.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.allSettled([producer?.disconnect(), deadLetters?.disconnect()]);
    await Promise.allSettled([ingest?.stop(), gateway?.stop(), authBridge?.stop()]);
  }, 30000);

  it('delivers prices with contiguous seqs, a private fill to its user only, and dead-letters bad events', async () => {
    const publisher = createEventPublisher(producer);
    const watcher = await connectTestSocket(gateway.url);
    const trader = await connectTestSocket(gateway.url, { token: await issueHmacToken({ secret }, userId) });
    sockets.push(watcher, trader);

    // BTC-USDC has had no event under this key prefix yet: only KNOWN_SYMBOLS makes it joinable.
    const joined = await watcher.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC' });
    expect(joined).toEqual({ ok: true, room: 'price:BTC-USDC', seq: 0 });
    expect(await trader.next('authenticated')).toEqual({ user: { id: userId } });
    const privateJoin = await trader.request<JoinRoomAck>('join_room', { room: `user:${userId}` });
    expect(privateJoin.ok).toBe(true);

    await publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: 45000.5, change: 2.5, volume: 1234567.89 } });
    await publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: '45001.000000000000000001' } });
    await publisher.publish({
      type: DEXEventType.TRADE_NOTIFICATION,
      symbol: 'ETH-USDC',
      userId,
      timestamp: Date.now(),
      data: { price: 2500, amount: 1.5, side: 'buy', tradeId: 't-1' },
    });

    const second = await watcher.next<PriceUpdateMessage>('price_update', (update) => update.seq === 2, 15000);
    const prices = watcher.all<PriceUpdateMessage>('price_update');
    expect(prices.map((update) => update.seq)).toEqual([1, 2]);
    expect(prices[0]).toMatchObject({ room: 'price:BTC-USDC', symbol: 'BTC-USDC', price: '45000.5', change: '2.5', volume: '1234567.89' });
    expect(typeof prices[0].timestamp).toBe('number');
    expect(second.price).toBe('45001.000000000000000001');

    const fill = await trader.next<TradeNotificationMessage>('trade_notification', undefined, 15000);
    expect(fill).toMatchObject({ room: `user:${userId}`, seq: 1, symbol: 'ETH-USDC', price: '2500', amount: '1.5', side: 'buy', personal: true, tradeId: 't-1' });
    expect(watcher.all('trade_notification')).toEqual([]);

    // Bad events: not JSON, and a price without a price. Both must land on the dead-letter topic.
    await producer.send({
      topic: KAFKA_TOPICS[DEXEventType.PRICE_UPDATE],
      messages: [
        { key: 'BTC-USDC', value: 'this is not json' },
        { key: 'BTC-USDC', value: JSON.stringify({ type: 'price_update', symbol: 'BTC-USDC', timestamp: Date.now(), data: {} }) },
      ],
    });
    await publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: 45002 } });

    const third = await watcher.next<PriceUpdateMessage>('price_update', (update) => update.seq === 3, 15000);
    expect(third.price).toBe('45002');
    await waitFor(() => deadLetterValues.length >= 2, 15000);
    const letters = deadLetterValues.map((value) => JSON.parse(value));
    const notJson = letters.find((letter) => Buffer.from(letter.originalBase64, 'base64').toString() === 'this is not json');
    expect(notJson).toMatchObject({ source: { topic: 'price.updates' } });
    expect(notJson.reason).toMatch(/not JSON/);
    const noPrice = letters.find((letter) => letter.reason.includes('data.price'));
    expect(noPrice).toBeDefined();
    expect(typeof noPrice.source.offset).toBe('string');

    // A late joiner gets the latest snapshot and its seq; both services are still healthy.
    const late = await connectTestSocket(gateway.url);
    sockets.push(late);
    const lateJoin = await late.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC' });
    expect(lateJoin).toMatchObject({ ok: true, seq: 3, snapshot: { seq: 3, price: '45002', room: 'price:BTC-USDC' } });
    for (const app of [ingest, gateway, authBridge]) expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^websocket_connections_total \d+/m);
    expect(metrics).toMatch(/event_broadcasting_latency_bucket\{le="0.005",type="price_update"\}/);
    // The frame budget starts at its ceiling (BATCH_MAX_FRAMES_PER_SEC, 150,000 by default) and is only ever lowered to the floor.
    const budget = Number(/^websocket_batch_frame_budget (\d+)/m.exec(metrics)?.[1]);
    expect(budget).toBeGreaterThanOrEqual(20_000);
    expect(budget).toBeLessThanOrEqual(150_000);
  }, 60000);
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
