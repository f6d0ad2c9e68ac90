import {
  createRoomName,
  DEXEventType,
  type JoinRoomAck,
  type PriceUpdateMessage,
  type TradeNotificationMessage,
} from '@moonx-farm/events';
import { issueHmacToken, messageTailOf, type RedisSettings } from '@moonx-farm/server-core';
import { createRedisConnection, RedisRoomStore, waitUntilReady, type RedisConnection } from '@moonx-farm/server-redis';
import {
  connectTestSocket,
  startAppProcess,
  startRedisCluster,
  uniqueName,
  type AppProcessHandle,
  type RedisClusterHandle,
  type TestSocket,
} from '@moonx-farm/test-env';

/*
 * Resume and failover on a 3-master Redis Cluster with two gateway replicas. Events are
 * written into the room store exactly as ingest writes them (one atomic append per event).
 */
describe('resume and failover on a Redis Cluster with two gateway replicas', () => {
  const secret = 'resume-secret-resume-secret-resume-secret';
  const prefix = `${uniqueName('resume')}:`;
  let cluster: RedisClusterHandle;
  let redis: RedisConnection;
  let store: RedisRoomStore;
  let replicaA: AppProcessHandle;
  let replicaB: AppProcessHandle;
  let bridge: AppProcessHandle;
  const sockets: TestSocket[] = [];
  let counter = 0;

  const appendPrice = (symbol: string, price: string) => {
    const room = createRoomName.price(symbol);
    const tail = messageTailOf({ room, id: `p-${counter++}`, timestamp: Date.now(), symbol, price });
    return store.append({ room, type: DEXEventType.PRICE_UPDATE, eventId: `p-${counter}`, messageTail: tail, snapshotTail: tail, publishedAt: Date.now() });
  };
  const appendFill = (userId: string, tradeId: string) => {
    const room = createRoomName.user(userId);
    const tail = messageTailOf({ room, id: tradeId, timestamp: Date.now(), symbol: 'ETH-USDC', price: '2500', amount: '1', side: 'buy', tradeId, personal: true });
    return store.append({ room, type: DEXEventType.TRADE_NOTIFICATION, eventId: tradeId, messageTail: tail, publishedAt: Date.now() });
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    const settings: RedisSettings = { host: '', port: 0, db: 0, keyPrefix: prefix, clusterNodes: cluster.nodes };
    redis = createRedisConnection(settings, { name: 'resume-test' });
    await waitUntilReady(redis);
    store = new RedisRoomStore(redis, { historyLimit: 20, dedupeWindow: 1000 }, prefix);
    const env = {
      REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `${node.host}:${node.port}`).join(','),
      REDIS_KEY_PREFIX: prefix,
      KNOWN_SYMBOLS: 'BTC-USDC,ETH-USDC',
    };
    [replicaA, replicaB, bridge] = await Promise.all([
      startAppProcess('gateway', { portVariable: 'WEBSOCKET_GATEWAY_PORT', readyPath: '/ready', env }),
      startAppProcess('gateway', { portVariable: 'WEBSOCKET_GATEWAY_PORT', readyPath: '/ready', env }),
      startAppProcess('auth-bridge', { portVariable: 'AUTH_BRIDGE_PORT', readyPath: '/ready', env: { ...env, JWT_SECRET: secret } }),
    ]);
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.allSettled([replicaA?.stop(), replicaB?.stop(), bridge?.stop()]);
    await redis?.quit().catch(() => undefined);
    await cluster?.stop();
  }, 60000);

  it('answers a join with the snapshot at its seq, replays missed events on resume, and re-snapshots when history is too short', async () => {
    for (let index = 1; index <= 3; index++) await appendPrice('BTC-USDC', `${100 + index}`);
    const first = await connectTestSocket(replicaA.url);
    sockets.push(first);
    const joined = await first.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC' });
    expect(joined).toMatchObject({ ok: true, seq: 3, snapshot: { seq: 3, price: '103' } });
    await appendPrice('BTC-USDC', '104');
    expect((await first.next<PriceUpdateMessage>('price_update')).seq).toBe(4);
    first.close();

    for (let index = 5; index <= 9; index++) await appendPrice('BTC-USDC', `${100 + index}`);
    const again = await connectTestSocket(replicaB.url);
    sockets.push(again);
    const resumed = await again.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC', resume: { seq: 4 } });
    expect(resumed).toMatchObject({ ok: true, seq: 4, resumed: true, replayed: 5 });
    await appendPrice('BTC-USDC', '110');
    await again.next<PriceUpdateMessage>('price_update', (update) => update.seq === 10);
    expect(again.all<PriceUpdateMessage>('price_update').map((update) => update.seq)).toEqual([5, 6, 7, 8, 9, 10]);

    for (let index = 11; index <= 40; index++) await appendPrice('BTC-USDC', `${100 + index}`);
    const late = await connectTestSocket(replicaA.url);
    sockets.push(late);
    const tooOld = await late.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC', resume: { seq: 5 } });
    expect(tooOld).toMatchObject({ ok: true, resumed: false, seq: 40, snapshot: { seq: 40, price: '140' } });
  }, 30000);

  it('loses no fill when the replica a trader is on is killed: the trader resumes on the other replica', async () => {
    const userId = uniqueName('trader');
    const token = await issueHmacToken({ secret }, userId);
    const onA = await connectTestSocket(replicaA.url, { token });
    sockets.push(onA);
    const joined = await onA.request<JoinRoomAck>('join_room', { room: `user:${userId}` });
    expect(joined).toMatchObject({ ok: true, seq: 0 });

    const total = 60;
    let published = 0;
    const publishing = (async () => {
      for (; published < total; published++) {
        await appendFill(userId, `fill-${published + 1}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await onA.next<TradeNotificationMessage>('trade_notification', (fill) => fill.seq >= 10);
    await replicaA.stop('SIGKILL');
    const seenOnA = onA.all<TradeNotificationMessage>('trade_notification');
    const lastSeq = seenOnA[seenOnA.length - 1].seq;

    const onB = await connectTestSocket(replicaB.url, { token });
    sockets.push(onB);
    const resumed = await onB.request<JoinRoomAck>('join_room', { room: `user:${userId}`, resume: { seq: lastSeq } });
    expect(resumed).toMatchObject({ ok: true, resumed: true, seq: lastSeq });
    await publishing;
    await onB.next<TradeNotificationMessage>('trade_notification', (fill) => fill.seq === total, 15000);

    // After the resume's ack, B sends every fill after lastSeq once, in order. Fills B sent live
    // before that ack (its join on connect) come again after it: the client drops them.
    const all = [...seenOnA, ...onB.allAfterAck<TradeNotificationMessage>('trade_notification', 'join_room')];
    expect(all.map((fill) => fill.tradeId)).toEqual(Array.from({ length: total }, (_, index) => `fill-${index + 1}`));
    expect(all.map((fill) => fill.seq)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
  }, 60000);
});
