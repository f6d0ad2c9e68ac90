import Redis from 'ioredis';
import { createRoomName, DEXEventType, type JoinRoomAck, type PriceUpdateMessage } from '@moonx-farm/events';
import { messageTailOf } from '@moonx-farm/server-core';
import { createRedisConnection, RedisRoomStore, waitUntilReady, type RedisConnection } from '@moonx-farm/server-redis';
import {
  connectTestSocket,
  startAppProcess,
  startRedisServer,
  uniqueName,
  type AppProcessHandle,
  type RedisServerHandle,
  type TestSocket,
} from '@moonx-farm/test-env';

/*
 * A replica keeps a quiet public room's starting point for the joins after the first one
 * (quiet-start.cache.ts). Every join must still start where the room is: after a message of
 * the room, and after the replica lost its subscriber connection (a message published then
 * never reached it). The gateway runs on a Redis of its own, whose subscribers the test kills.
 */
describe('the starting point of a join', () => {
  const prefix = `${uniqueName('start')}:`;
  const room = createRoomName.price('BTC-USDC');
  let server: RedisServerHandle;
  let redis: RedisConnection;
  let store: RedisRoomStore;
  let gateway: AppProcessHandle;
  const sockets: TestSocket[] = [];
  let counter = 0;

  const appendPrice = () => {
    const eventId = `p-${++counter}`;
    const tail = messageTailOf({ room, id: eventId, timestamp: Date.now(), symbol: 'BTC-USDC', price: String(counter) });
    return store.append({ room, type: DEXEventType.PRICE_UPDATE, eventId, messageTail: tail, snapshotTail: tail, publishedAt: Date.now() });
  };
  const join = async () => {
    const socket = await connectTestSocket(gateway.url);
    sockets.push(socket);
    return { socket, ack: await socket.request<JoinRoomAck>('join_room', { room }) };
  };

  beforeAll(async () => {
    server = await startRedisServer();
    redis = createRedisConnection({ host: server.host, port: server.port, db: 0, keyPrefix: prefix, clusterNodes: [] }, { name: 'join-start-test' });
    await waitUntilReady(redis);
    store = new RedisRoomStore(redis, { historyLimit: 20, dedupeWindow: 1000 }, prefix);
    gateway = await startAppProcess('gateway', {
      portVariable: 'WEBSOCKET_GATEWAY_PORT',
      readyPath: '/ready',
      env: { REDIS_HOST: server.host, REDIS_PORT: String(server.port), REDIS_KEY_PREFIX: prefix, KNOWN_SYMBOLS: 'BTC-USDC' },
    });
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await gateway?.stop();
    await redis?.quit().catch(() => undefined);
    await server?.stop();
  }, 30000);

  it('starts every join where the room is: after a quiet stretch, after a message, and after a lost subscriber connection', async () => {
    await appendPrice();
    await appendPrice();
    // The holder keeps the room subscribed on the replica for the whole test.
    const { socket: holder, ack: first } = await join();
    expect(first).toMatchObject({ ok: true, seq: 2, snapshot: { seq: 2, price: '2' } });
    expect((await join()).ack).toMatchObject({ ok: true, seq: 2, snapshot: { seq: 2, price: '2' } });

    await appendPrice();
    expect((await holder.next<PriceUpdateMessage>('price_update')).seq).toBe(3);
    const afterMessage = await join();
    expect(afterMessage.ack).toMatchObject({ ok: true, seq: 3, snapshot: { seq: 3, price: '3' } });

    // The replica's subscriber connection dies, and seq 4 is published before it is back: the
    // replica never sees it, so only the interruption tells it that seq 3 is no longer the start.
    const admin = new Redis(server.port, server.host, { lazyConnect: true });
    await admin.connect();
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await appendPrice();
    await admin.quit();
    const afterInterruption = await join();
    expect(afterInterruption.ack).toMatchObject({ ok: true, seq: 4, snapshot: { seq: 4, price: '4' } });

    // And the room is live again for the joined: seq 5 reaches the latest joiner.
    await appendPrice();
    expect((await afterInterruption.socket.next<PriceUpdateMessage>('price_update')).seq).toBe(5);
  }, 30000);
});
