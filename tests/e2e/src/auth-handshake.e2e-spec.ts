import { io } from 'socket.io-client';
import { DEXEventType, ErrorCode, type JoinRoomAck, type RefreshTokenAck } from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, uniqueName, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { disconnectOf, getJson, redisEnv, refusalOf, RoomPublisher, sleep, startAuthBridge, startGateway } from './support/gateway-e2e.helpers';
import { JwksEndpoint } from './support/jwks-endpoint';

/*
 * The handshake and what a token buys, with the real apps: an auth-bridge process (HS256
 * secret and a JWKS URL served by this test) and a gateway process that accepts no anonymous
 * sockets. Every refusal must reach the client as `connect_error` with `data.code`.
 */
describe('handshake, private rooms and token lifetime (gateway + auth-bridge processes)', () => {
  const secret = 'handshake-e2e-secret-of-at-least-32-chars';
  const issuer = 'https://auth.moonx.test';
  const audience = 'moonx-gateway';
  const hmac = { secret, issuer, audience };
  const redis = redisEnv('hands');
  const jwks = new JwksEndpoint();
  const sockets: TestSocket[] = [];
  let gateway: AppProcessHandle;
  let authBridge: AppProcessHandle;
  let publisher: RoomPublisher;

  const connect = async (token?: string) => {
    const socket = await connectTestSocket(gateway.url, { token });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    const jwksUrl = await jwks.start();
    [authBridge, gateway] = await Promise.all([
      startAuthBridge({ ...redis, JWT_SECRET: secret, JWT_ISSUER: issuer, JWT_AUDIENCE: audience, JWKS_URL: jwksUrl }),
      startGateway({ ...redis, ALLOW_ANONYMOUS: 'false', KNOWN_SYMBOLS: 'BTC-USDC' }),
    ]);
    publisher = new RoomPublisher(redis);
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.allSettled([gateway?.stop(), authBridge?.stop(), publisher?.close(), jwks.stop()]);
  }, 30000);

  it('refuses a connect without a token (ALLOW_ANONYMOUS=false) or with a token that is not a string', async () => {
    expect(await refusalOf(gateway.url)).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(/token is required/) });
    expect(await refusalOf(gateway.url, { auth: { token: 42 } })).toMatchObject({ code: ErrorCode.UNAUTHORIZED });
  });

  it.each([
    ['a forged signature', () => issueHmacToken({ ...hmac, secret: 'someone-elses-secret-of-at-least-32-chars' }, 'u1'), /signature/],
    ['an expired token', () => issueHmacToken(hmac, 'u1', { expiresInSec: -60 }), /expired/],
    ['a token not valid yet (nbf)', () => issueHmacToken(hmac, 'u1', { notBeforeSec: 120 }), /not valid yet/],
    ['a token for another audience', () => issueHmacToken({ ...hmac, audience: 'another-app' }, 'u1'), /audience/],
    ['a token from another issuer', () => issueHmacToken({ ...hmac, issuer: 'https://evil.test' }, 'u1'), /issuer/],
    ['something that is not a JWT', async () => 'definitely.not.a-jwt', /malformed/],
  ])('refuses %s with UNAUTHORIZED', async (_case, makeToken, reason) => {
    const refusal = await refusalOf(gateway.url, { token: await makeToken() });
    expect(refusal).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(reason) });
  });

  it('welcomes a good token with `connected` then `authenticated`', async () => {
    const userId = uniqueName('alice');
    const socket = await connect(await issueHmacToken(hmac, userId));
    const connected = await socket.next<{ connectionId: string; timestamp: number }>('connected');
    expect(connected).toEqual({ connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/), timestamp: expect.any(Number) });
    expect(Math.abs(connected.timestamp - Date.now())).toBeLessThan(5000);
    expect(await socket.next('authenticated')).toEqual({ user: { id: userId } });
    expect(socket.received.map((item) => item.event).slice(0, 2)).toEqual(['connected', 'authenticated']);
  });

  it('accepts RS256 and ES256 tokens from the JWKS, and a key rotated in later', async () => {
    const rsUser = uniqueName('rs');
    const esUser = uniqueName('es');
    const rs = await connect(await jwks.sign('rsa-1', rsUser, { issuer, audience }));
    const es = await connect(await jwks.sign('ec-1', esUser, { issuer, audience }));
    expect(await rs.next('authenticated')).toEqual({ user: { id: rsUser } });
    expect(await es.next('authenticated')).toEqual({ user: { id: esUser } });

    // The auth service rotates: rsa-2 appears, rsa-1 goes. The bridge fetched the set moments ago.
    await jwks.rotate('rsa-1', 'rsa-2');
    const rotatedUser = uniqueName('rot');
    const rotated = await connect(await jwks.sign('rsa-2', rotatedUser, { issuer, audience }));
    expect(await rotated.next('authenticated')).toEqual({ user: { id: rotatedUser } });
    const retired = await refusalOf(gateway.url, { token: await jwks.sign('rsa-1', uniqueName('old'), { issuer, audience }) });
    expect(retired).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(/signature/) });
    const wrongAudience = await refusalOf(gateway.url, { token: await jwks.sign('ec-1', esUser, { issuer, audience: 'another-app' }) });
    expect(wrongAudience).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(/audience/) });
  });

  it('gives back the place of a client that leaves while its token is still being checked', async () => {
    const lbStatus = async () => (await getJson<{ connections: number }>(`${gateway.url}/lb/status`)).body.connections;
    const before = await lbStatus();
    // A new key and a slow JWKS endpoint: the verification takes ~700 ms and then succeeds.
    await jwks.rotate(undefined, 'rsa-slow');
    jwks.delayMs = 700;
    await sleep(1100); // past the bridge's JWKS cooldown, so the unknown kid is fetched at once
    const token = await jwks.sign('rsa-slow', uniqueName('leaver'), { issuer, audience });
    const leaver = io(gateway.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    await sleep(200);
    expect(leaver.connected).toBe(false);
    leaver.close();
    await sleep(1200);
    jwks.delayMs = 0;
    expect(await lbStatus()).toBe(before);
    // The verdict was cached meanwhile: the same token now connects at once.
    const stayer = await connect(token);
    expect(await stayer.next('authenticated')).toEqual({ user: { id: expect.stringMatching(/^leaver-/) } });
    expect(await lbStatus()).toBe(before + 1);
  });

  it("keeps users out of each other's private rooms and puts them in their own on connect", async () => {
    const [a, b] = [uniqueName('a'), uniqueName('b')];
    const alice = await connect(await issueHmacToken(hmac, a));
    const bob = await connect(await issueHmacToken(hmac, b));
    await Promise.all([alice.next('authenticated'), bob.next('authenticated')]);

    for (const room of [`user:${b}`, `portfolio:${b}`, `orders:${b}`]) {
      const ack = await alice.request<JoinRoomAck>('join_room', { room });
      expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    }
    expect(await alice.request<JoinRoomAck>('join_room', { room: `portfolio:${a}` })).toMatchObject({ ok: true, room: `portfolio:${a}` });

    // No explicit join: `authenticated` means the private rooms are live.
    await publisher.publish(`portfolio:${a}`, DEXEventType.PORTFOLIO_UPDATE, { userId: a, totalValue: '1000.5', positions: [] });
    await publisher.publish(`orders:${b}`, DEXEventType.TRADE_NOTIFICATION, { symbol: 'BTC-USDC', price: '1', amount: '2', side: 'buy', personal: true });
    expect(await alice.next('portfolio_update')).toMatchObject({ room: `portfolio:${a}`, seq: 1, totalValue: '1000.5' });
    expect(await bob.next('trade_notification')).toMatchObject({ room: `orders:${b}`, seq: 1, amount: '2' });
    expect(alice.all('trade_notification')).toEqual([]);
    expect(bob.all('portfolio_update')).toEqual([]);
  });

  it('drops a socket whose token runs out, keeps one refreshed in time, and refuses a refresh for another user', async () => {
    const userId = uniqueName('exp');
    const [lapsing, refreshed, hijacker] = await Promise.all([
      connect(await issueHmacToken(hmac, userId, { expiresInSec: 2 })),
      connect(await issueHmacToken(hmac, userId, { expiresInSec: 2 })),
      connect(await issueHmacToken(hmac, userId, { expiresInSec: 60 })),
    ]);
    const lapsed = disconnectOf(lapsing.socket, 6000);

    const refresh = await refreshed.request<RefreshTokenAck>('refresh_token', { token: await issueHmacToken(hmac, userId, { expiresInSec: 600 }) });
    expect(refresh).toEqual({ ok: true, expiresAt: expect.any(Number) });
    if (refresh.ok) expect(refresh.expiresAt).toBeGreaterThan(Date.now() + 500_000);
    const foreign = await hijacker.request<RefreshTokenAck>('refresh_token', { token: await issueHmacToken(hmac, uniqueName('other')) });
    expect(foreign).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const expired = await hijacker.request<RefreshTokenAck>('refresh_token', { token: await issueHmacToken(hmac, userId, { expiresInSec: -60 }) });
    expect(expired).toMatchObject({ ok: false, error: { code: ErrorCode.UNAUTHORIZED } });

    expect(await lapsed).toBe('io server disconnect');
    expect(lapsing.all('error')).toEqual([{ code: ErrorCode.TOKEN_EXPIRED, message: expect.any(String) }]);
    expect(refreshed.socket.connected).toBe(true);
    expect(refreshed.all('error')).toEqual([]);
    expect(await refreshed.request('ping', {})).toEqual({ timestamp: expect.any(Number) });
  }, 15000);

  it('answers /health, /ready, /lb/status and /stats with what a platform team needs', async () => {
    const live = await connect(await issueHmacToken(hmac, uniqueName('ops')));
    await live.next('authenticated');
    const open = sockets.filter((socket) => socket.socket.connected).length;
    const users = new Set(sockets.filter((socket) => socket.socket.connected).map((socket) => socket.all<{ user: { id: string } }>('authenticated')[0]?.user.id)).size;

    expect(await getJson(`${gateway.url}/health`)).toEqual({ status: 200, body: { status: 'healthy', timestamp: expect.any(String), version: expect.any(String) } });
    expect(await getJson(`${gateway.url}/ready`)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { draining: false, store: true, authBridge: 'closed' } },
    });
    expect(await getJson(`${gateway.url}/lb/status`)).toEqual({
      status: 200,
      body: { status: 'accepting', connections: open, capacity: 10000, load: Number((open / 10000).toFixed(4)), circuitBreakers: { authBridge: 'closed' } },
    });
    const stats = await getJson<Record<string, unknown> & { memory: Record<string, number> }>(`${gateway.url}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ connections: open, authenticatedUsers: users, uptimeSec: expect.any(Number), version: expect.any(String) });
    expect(stats.body['batchFrameBudgetPerSec']).toBeGreaterThanOrEqual(20_000);
    // system:alerts plus three private rooms per connected user.
    expect(stats.body['subscribedRooms']).toBeGreaterThanOrEqual(1 + 3 * users);
    expect(stats.body.memory.rssBytes).toBeGreaterThan(stats.body.memory.heapUsedBytes);
  });
});
