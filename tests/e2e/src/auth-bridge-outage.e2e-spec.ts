import { ErrorCode } from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, uniqueName, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { getJson, redisEnv, refusalOf, startAuthBridge, startGateway, waitFor } from './support/gateway-e2e.helpers';

/*
 * The auth bridge goes away and comes back while a gateway keeps running: connects must fail
 * fast with AUTH_UNAVAILABLE (the circuit breaker), the replica must say it is not ready, and
 * it must recover on its own once a new bridge process answers.
 */
describe('auth-bridge outage (gateway process, auth-bridge stopped and restarted)', () => {
  const secret = 'outage-e2e-secret-of-at-least-32-chars!!';
  const redis = redisEnv('outage');
  const bridgeEnv = { ...redis, JWT_SECRET: secret };
  const retryMs = 2500;
  const sockets: TestSocket[] = [];
  let gateway: AppProcessHandle;
  let authBridge: AppProcessHandle;
  let knownToken: string;

  const connect = async (token: string) => {
    const socket = await connectTestSocket(gateway.url, { token });
    sockets.push(socket);
    return socket;
  };
  const freshToken = () => issueHmacToken({ secret }, uniqueName('user'));
  const lbStatus = async () => (await getJson<{ connections: number; circuitBreakers: { authBridge: string } }>(`${gateway.url}/lb/status`)).body;

  beforeAll(async () => {
    [authBridge, gateway] = await Promise.all([
      startAuthBridge(bridgeEnv),
      startGateway({
        ...redis,
        ALLOW_ANONYMOUS: 'false',
        AUTH_BRIDGE_TIMEOUT_MS: '600',
        AUTH_BRIDGE_FAILURE_THRESHOLD: '2',
        AUTH_BRIDGE_RETRY_MS: String(retryMs),
      }),
    ]);
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.allSettled([gateway?.stop(), authBridge?.stop()]);
  }, 30000);

  it('verifies tokens through the bridge while it is up', async () => {
    knownToken = await freshToken();
    await (await connect(knownToken)).next('authenticated');
    expect((await lbStatus()).circuitBreakers.authBridge).toBe('closed');
  });

  it('refuses connects fast with AUTH_UNAVAILABLE once the bridge is gone, and reports not ready', async () => {
    expect(await authBridge.stop()).toBe(0);
    const attempts: { ms: number; code: string; retryAfterMs?: number }[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const startedAt = Date.now();
      const refusal = await refusalOf(gateway.url, { token: await freshToken() });
      attempts.push({ ms: Date.now() - startedAt, code: refusal.code, retryAfterMs: refusal.retryAfterMs });
    }
    const [status, ready] = await Promise.all([lbStatus(), getJson<{ checks: Record<string, unknown> }>(`${gateway.url}/ready`)]);

    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ code: ErrorCode.AUTH_UNAVAILABLE, retryAfterMs: expect.any(Number) });
      expect(attempt.ms).toBeLessThan(3000);
    }
    // The first ones wait for the timeout (600 ms); once the circuit is open, no waiting at all.
    expect(attempts.slice(2).every((attempt) => attempt.ms < 300)).toBe(true);
    expect(status.circuitBreakers.authBridge).toBe('open');
    expect(ready).toEqual({ status: 503, body: { status: 'not ready', checks: { draining: false, store: true, authBridge: 'open' } } });

    // Open sockets are untouched, and a token verified before the outage still gets in.
    expect(sockets[0].socket.connected).toBe(true);
    await (await connect(knownToken)).next('authenticated');
    expect((await lbStatus()).connections).toBe(2);
  }, 15000);

  it('lets connects in again once a new bridge answers, without restarting the gateway', async () => {
    authBridge = await startAuthBridge(bridgeEnv);
    const token = await freshToken();
    const startedAt = Date.now();
    let socket: TestSocket | undefined;
    await waitFor(
      async () => {
        socket = await connectTestSocket(gateway.url, { token }).catch(() => undefined);
        return socket !== undefined;
      },
      retryMs + 5000,
      'a connect through the restarted bridge',
    );
    if (socket) sockets.push(socket);
    expect(Date.now() - startedAt).toBeLessThan(retryMs + 5000);
    expect(await socket?.next('authenticated')).toEqual({ user: { id: expect.stringMatching(/^user-/) } });
    expect((await lbStatus()).circuitBreakers.authBridge).toBe('closed');
    expect((await getJson(`${gateway.url}/ready`)).status).toBe(200);
    // Bad tokens are judged again, not blamed on the outage.
    expect(await refusalOf(gateway.url, { token: await issueHmacToken({ secret: 'another-secret-of-at-least-32-characters' }, 'x') })).toMatchObject({
      code: ErrorCode.UNAUTHORIZED,
    });
  }, 20000);
});
