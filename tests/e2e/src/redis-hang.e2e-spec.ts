import { DEXEventType, ErrorCode, type JoinRoomAck } from '@moonx-farm/events';
import { connectTestSocket, startRedisServer, uniqueName, type AppProcessHandle, type RedisServerHandle, type TestSocket } from '@moonx-farm/test-env';
import { RoomPublisher, sleep, startGateway } from './support/gateway-e2e.helpers';

/*
 * A Redis that stops answering (SIGSTOP: its connections stay open, nothing comes back) while
 * a gateway process runs on it. Joins must still be answered, within JOIN_TIMEOUT_MS, and a
 * join that timed out must not join the socket later, when Redis answers after all.
 */
describe('a hung Redis (gateway process, its own redis-server frozen and thawed)', () => {
  const timeoutMs = 800;
  let redis: RedisServerHandle;
  let gateway: AppProcessHandle;
  let publisher: RoomPublisher;
  let socket: TestSocket;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startRedisServer();
    env = { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_KEY_PREFIX: `${uniqueName('hang')}:` };
    gateway = await startGateway({ ...env, KNOWN_SYMBOLS: 'BTC-USDC,ETH-USDC', JOIN_TIMEOUT_MS: String(timeoutMs) });
    publisher = new RoomPublisher(env);
    socket = await connectTestSocket(gateway.url);
  }, 60000);

  afterAll(async () => {
    socket?.close();
    redis?.thaw();
    await publisher?.close();
    await gateway?.stop();
    await redis?.stop();
  }, 30000);

  const pricesOf = (room: string) => socket.all<{ room: string; seq: number }>('price_update').filter((update) => update.room === room);
  const join = async (room: string) => {
    const startedAt = Date.now();
    const ack = await socket.request<JoinRoomAck>('join_room', { room });
    return { ack, ms: Date.now() - startedAt };
  };

  it('joins as usual while Redis answers', async () => {
    expect((await join('price:BTC-USDC')).ack).toMatchObject({ ok: true, room: 'price:BTC-USDC' });
  });

  it('answers INTERNAL_ERROR within JOIN_TIMEOUT_MS while Redis hangs, and again for the next join of the room', async () => {
    redis.freeze();
    const first = await join('price:ETH-USDC');
    expect(first.ack).toEqual({
      ok: false,
      error: { code: ErrorCode.INTERNAL_ERROR, message: `could not join "price:ETH-USDC": joining "price:ETH-USDC": no answer from the room store within ${timeoutMs} ms` },
    });
    expect(first.ms).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(first.ms).toBeLessThan(timeoutMs + 1500);
    // Not stuck behind the first one's reads, which are still unanswered.
    const second = await join('price:ETH-USDC');
    expect(second.ack).toMatchObject({ ok: false, error: { code: ErrorCode.INTERNAL_ERROR } });
    expect(second.ms).toBeLessThan(timeoutMs + 1500);
    // Two at once: the second waits for its turn behind the first, and is answered all the same.
    const pair = await Promise.all([join('price:ETH-USDC'), join('price:ETH-USDC')]);
    for (const each of pair) {
      expect(each.ack).toMatchObject({ ok: false, error: { code: ErrorCode.INTERNAL_ERROR } });
      expect(each.ms).toBeLessThan(timeoutMs + 1500);
    }
  });

  it('does not join the socket when Redis answers the timed-out joins after all; a new join works', async () => {
    redis.thaw();
    // The timed-out joins' subscription and reads complete now; give them time to (wrongly) join.
    await sleep(500);
    await publisher.publish('price:ETH-USDC', DEXEventType.PRICE_UPDATE, { symbol: 'ETH-USDC', price: '1' });
    await sleep(300);
    expect(pricesOf('price:ETH-USDC')).toEqual([]);

    const again = await join('price:ETH-USDC');
    expect(again.ack).toMatchObject({ ok: true, room: 'price:ETH-USDC', seq: 1 });
    await publisher.publish('price:ETH-USDC', DEXEventType.PRICE_UPDATE, { symbol: 'ETH-USDC', price: '2' });
    await socket.next<{ room: string }>('price_update', (update) => update.room === 'price:ETH-USDC');
    await sleep(100);
    expect(pricesOf('price:ETH-USDC').map((update) => update.seq)).toEqual([2]);
    // BTC-USDC, joined before the hang, is still live.
    await publisher.publish('price:BTC-USDC', DEXEventType.PRICE_UPDATE, { symbol: 'BTC-USDC', price: '3' });
    await socket.next<{ room: string }>('price_update', (update) => update.room === 'price:BTC-USDC');
    expect(pricesOf('price:BTC-USDC').map((update) => update.seq)).toEqual([1]);
  });
});
