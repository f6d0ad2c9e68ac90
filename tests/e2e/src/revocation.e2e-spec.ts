import { ErrorCode } from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, uniqueName, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { disconnectOf, redisEnv, refusalOf, sleep, startAuthBridge, startGateway } from './support/gateway-e2e.helpers';

/*
 * Revocation across replicas: one auth-bridge process (NODE_ENV=production, so also the
 * production refusal of development tokens) and two gateway replicas on the same Redis.
 */
describe('revocation (auth-bridge + two gateway replicas)', () => {
  const secret = 'revocation-e2e-secret-of-at-least-32-chars';
  const apiKey = 'revocation-key-for-e2e-tests';
  const redis = redisEnv('revoke');
  const sockets: TestSocket[] = [];
  let authBridge: AppProcessHandle;
  let replicas: AppProcessHandle[];

  const connect = async (gateway: AppProcessHandle, token: string) => {
    const socket = await connectTestSocket(gateway.url, { token });
    sockets.push(socket);
    await socket.next('authenticated');
    return socket;
  };
  const revoke = (body: unknown, authorization?: string) =>
    fetch(`${authBridge.url}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const gatewayEnv = { ...redis, ALLOW_ANONYMOUS: 'false' };
    const started = await Promise.all([
      startAuthBridge({ ...redis, NODE_ENV: 'production', JWT_SECRET: secret, REVOCATION_API_KEY: apiKey }),
      startGateway(gatewayEnv),
      startGateway(gatewayEnv),
    ]);
    [authBridge, ...replicas] = started;
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.allSettled([authBridge, ...(replicas ?? [])].map((app) => app?.stop()));
  }, 30000);

  it('refuses development tokens in production', async () => {
    const response = await fetch(`${authBridge.url}/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'anyone' }),
    });
    expect(response.status).toBe(403);
  });

  it('refuses a revocation without the key or with a wrong one (403), and a malformed body (400)', async () => {
    const userId = uniqueName('keyless');
    expect((await revoke({ userId })).status).toBe(403);
    expect((await revoke({ userId }, `Bearer ${apiKey}x`)).status).toBe(403);
    expect((await revoke({ userId }, apiKey)).status).toBe(403);
    expect((await revoke({ user: userId }, `Bearer ${apiKey}`)).status).toBe(400);
    // Nothing was revoked: the user's tokens still work.
    await connect(replicas[0], await issueHmacToken({ secret }, userId));
  });

  it("drops a revoked user's sockets on both replicas within a second and keeps refusing the old token", async () => {
    const userId = uniqueName('revoked');
    const bystanderId = uniqueName('bystander');
    const token = await issueHmacToken({ secret }, userId);
    const victims = [await connect(replicas[0], token), await connect(replicas[0], token), await connect(replicas[1], token)];
    const bystanders = [await connect(replicas[0], await issueHmacToken({ secret }, bystanderId)), await connect(replicas[1], await issueHmacToken({ secret }, bystanderId))];
    const dropped = victims.map((victim) => disconnectOf(victim.socket, 3000));

    const revokedAt = Date.now();
    const response = await revoke({ userId }, `Bearer ${apiKey}`);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ revoked: userId, revokedAt: expect.any(Number) });
    expect(await Promise.all(dropped)).toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect']);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    for (const victim of victims) {
      expect(victim.all('error')).toEqual([{ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(/revoked/) }]);
    }
    expect(bystanders.every((bystander) => bystander.socket.connected)).toBe(true);

    // Both replicas had accepted (and cached) this very token: neither may let it back in.
    for (const replica of replicas) {
      expect(await refusalOf(replica.url, { token })).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: expect.stringMatching(/revoked/) });
    }

    // `iat` counts whole seconds, so "issued after the revocation" starts at the next second.
    await sleep(Math.max(0, Math.ceil((revokedAt + 1) / 1000) * 1000 - Date.now() + 20));
    const fresh = await issueHmacToken({ secret }, userId);
    for (const replica of replicas) {
      const socket = await connect(replica, fresh);
      expect(socket.all('authenticated')).toEqual([{ user: { id: userId } }]);
    }
    await sleep(200);
    expect(bystanders.every((bystander) => bystander.socket.connected)).toBe(true);
  });
});
