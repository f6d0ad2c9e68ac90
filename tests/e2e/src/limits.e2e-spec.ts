import type { Socket } from 'socket.io-client';
import { DEXEventType, ErrorCode, type JoinRoomAck, type LeaveRoomAck, type PriceUpdateMessage, type SubscribeAck } from '@moonx-farm/events';
import { connectTestSocket, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { disconnectOf, getJson, openRawSocket, redisEnv, RoomPublisher, startGateway, waitFor } from './support/gateway-e2e.helpers';

/*
 * Every limit of a replica, each triggering with its own code, against one gateway process
 * (anonymous sockets allowed, so no auth bridge is needed). TRUST_PROXY (one proxy) lets the
 * test play several client addresses through X-Forwarded-For, as the ingress would write them.
 */
describe('limits (gateway process)', () => {
  const symbols = ['AAA-USDC', 'BBB-USDC', 'CCC-USDC', 'DDD-USDC', 'EEE-USDC', 'FFF-USDC'];
  const redis = redisEnv('limits');
  const raw: Socket[] = [];
  const sockets: TestSocket[] = [];
  let gateway: AppProcessHandle;
  let publisher: RoomPublisher;

  const fromAddress = async (ip: string) => {
    const socket = await openRawSocket(gateway.url, { extraHeaders: { 'x-forwarded-for': ip } });
    raw.push(socket);
    return socket;
  };
  const refusalFrom = (ip: string) =>
    fromAddress(ip).then(
      (socket) => {
        socket.close();
        throw new Error(`a connect from ${ip} was accepted, a refusal was expected`);
      },
      (error: { data?: { code: string; message: string; retryAfterMs?: number } }) => error.data,
    );
  const connect = async () => {
    const socket = await connectTestSocket(gateway.url);
    sockets.push(socket);
    return socket;
  };
  const connections = async () => (await getJson<{ connections: number; status: string }>(`${gateway.url}/lb/status`)).body;
  const closeAll = async () => {
    raw.splice(0).forEach((socket) => socket.close());
    sockets.splice(0).forEach((socket) => socket.close());
    await waitFor(async () => (await connections()).connections === 0, 5000, 'every connection released');
  };

  beforeAll(async () => {
    gateway = await startGateway({
      ...redis,
      ALLOW_ANONYMOUS: 'true',
      TRUST_PROXY: 'true',
      MAX_CONNECTIONS: '5',
      MAX_CONNECTIONS_PER_IP: '2',
      MAX_ROOMS_PER_SOCKET: '5',
      CONTROL_RATE_PER_SEC: '2',
      CONTROL_BURST: '8',
      MAX_HTTP_BUFFER_SIZE: '4096',
      KNOWN_SYMBOLS: symbols.join(','),
    });
    publisher = new RoomPublisher(redis);
  }, 60000);

  afterEach(closeAll);

  afterAll(async () => {
    await Promise.allSettled([gateway?.stop(), publisher?.close()]);
  }, 30000);

  it('refuses a third socket from one address (MAX_CONNECTIONS_PER_IP) with SERVER_BUSY', async () => {
    await fromAddress('10.0.0.1');
    await fromAddress('10.0.0.1');
    expect(await refusalFrom('10.0.0.1')).toEqual({ code: ErrorCode.SERVER_BUSY, message: expect.stringMatching(/this address/), retryAfterMs: expect.any(Number) });
    // The proxy appends the address it saw; an entry the client wrote before it changes nothing.
    expect(await refusalFrom('10.9.9.9, 10.0.0.1')).toMatchObject({ code: ErrorCode.SERVER_BUSY, message: expect.stringMatching(/this address/) });
    await fromAddress('10.0.0.2');
    raw[0].close();
    await waitFor(async () => (await connections()).connections === 2, 3000, 'the closed socket released');
    await fromAddress('10.0.0.1');
  });

  it('refuses the connection beyond MAX_CONNECTIONS with SERVER_BUSY and reports itself full', async () => {
    for (const ip of ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5']) await fromAddress(ip);
    expect(await connections()).toMatchObject({ status: 'full', connections: 5 });
    expect(await refusalFrom('10.0.1.6')).toEqual({ code: ErrorCode.SERVER_BUSY, message: expect.stringMatching(/capacity of 5/), retryAfterMs: expect.any(Number) });
    raw[0].close();
    await waitFor(async () => (await connections()).status === 'accepting', 3000, 'a free place');
    await fromAddress('10.0.1.6');
  });

  it('keeps anonymous sockets out of private rooms (UNAUTHORIZED) but lets them into public ones', async () => {
    const socket = await connect();
    for (const room of ['user:someone', 'portfolio:someone', 'orders:someone']) {
      expect(await socket.request<JoinRoomAck>('join_room', { room })).toMatchObject({ ok: false, error: { code: ErrorCode.UNAUTHORIZED } });
    }
    expect(await socket.request<JoinRoomAck>('join_room', { room: `price:${symbols[0]}` })).toMatchObject({ ok: true });
  });

  it('refuses a room beyond MAX_ROOMS_PER_SOCKET with TOO_MANY_ROOMS (system:alerts counts)', async () => {
    const socket = await connect();
    for (const symbol of symbols.slice(0, 4)) {
      expect(await socket.request<JoinRoomAck>('join_room', { room: `trade:${symbol}` })).toMatchObject({ ok: true });
    }
    const refused = await socket.request<JoinRoomAck>('join_room', { room: `trade:${symbols[4]}` });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.TOO_MANY_ROOMS, message: expect.stringMatching(/at most 5 rooms/) } });
    // Joining a room it is already in costs nothing; leaving one makes room.
    expect(await socket.request<JoinRoomAck>('join_room', { room: `trade:${symbols[0]}` })).toMatchObject({ ok: true });
    expect(await socket.request<LeaveRoomAck>('leave_room', { room: `trade:${symbols[1]}` })).toEqual({ ok: true, room: `trade:${symbols[1]}` });
    expect(await socket.request<JoinRoomAck>('join_room', { room: `trade:${symbols[4]}` })).toMatchObject({ ok: true });
  });

  it('rate-limits control messages with RATE_LIMITED and retryAfterMs, never pings, never data', async () => {
    const socket = await connect();
    expect(await socket.request<JoinRoomAck>('join_room', { room: `price:${symbols[5]}` })).toMatchObject({ ok: true });
    const replies = await Promise.all(Array.from({ length: 12 }, () => socket.request<SubscribeAck>('subscribe', { types: [] })));
    const limited = replies.filter((reply) => !reply.ok);
    // Burst 8, one spent on the join; a slow machine may have refilled one more meanwhile.
    expect(replies.filter((reply) => reply.ok).length).toBeGreaterThanOrEqual(7);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    for (const reply of limited) {
      expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) } });
      if (!reply.ok) expect(reply.error.retryAfterMs).toBeGreaterThan(0);
      if (!reply.ok) expect(reply.error.retryAfterMs).toBeLessThanOrEqual(500);
    }
    // Without an ack the refusal comes as the reply event; unknown events draw on the same budget.
    socket.socket.emit('subscribe', { types: [] });
    expect(await socket.next('subscribed')).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    expect(await socket.request('no_such_event', {})).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });

    const pongs = await Promise.all(Array.from({ length: 30 }, () => socket.request('ping', {})));
    expect(pongs.every((pong) => typeof (pong as { timestamp?: unknown }).timestamp === 'number')).toBe(true);

    // The socket has no control budget left; 300 price updates must all still reach it, in order.
    const room = `price:${symbols[5]}`;
    for (let index = 0; index < 300; index++) await publisher.publish(room, DEXEventType.PRICE_UPDATE, { symbol: symbols[5], price: String(100 + index) });
    await socket.next<PriceUpdateMessage>('price_update', (update) => update.price === '399', 10000);
    expect(socket.all<PriceUpdateMessage>('price_update').map((update) => update.price)).toEqual(Array.from({ length: 300 }, (_, index) => String(100 + index)));

    const [first] = limited;
    await new Promise((resolve) => setTimeout(resolve, first.ok ? 0 : first.error.retryAfterMs ?? 0));
    expect(await socket.request<SubscribeAck>('subscribe', { types: [] })).toMatchObject({ ok: true });
  }, 20000);

  it('closes the socket that sends a message over MAX_HTTP_BUFFER_SIZE, and only that one', async () => {
    const offender = await connect();
    const neighbour = await connect();
    const closed = disconnectOf(offender.socket, 5000);
    offender.socket.emit('join_room', { room: 'x'.repeat(8000) });
    expect(await closed).toBe('transport close');
    expect(neighbour.socket.connected).toBe(true);
    expect(await neighbour.request('ping', {})).toEqual({ timestamp: expect.any(Number) });
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const next = await connect();
    expect(await next.request<JoinRoomAck>('join_room', { room: `price:${symbols[0]}` })).toMatchObject({ ok: true });
  });
});
