import { ErrorCode, type ShutdownPayload } from '@moonx-farm/events';
import { connectTestSocket, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { getJson, redisEnv, refusalOf, startGateway } from './support/gateway-e2e.helpers';

/*
 * Graceful drain of a gateway process on SIGTERM, as Kubernetes sends it: every client is
 * told `shutdown {reconnectInMs}` and then disconnected, spread over DRAIN_WINDOW_MS; new
 * connects are refused meanwhile; the process exits 0.
 */
describe('graceful drain on SIGTERM (gateway process)', () => {
  const clients = 20;
  const drainWindowMs = 2000;
  let gateway: AppProcessHandle;
  let sockets: TestSocket[] = [];

  beforeAll(async () => {
    gateway = await startGateway({ ...redisEnv('drain'), ALLOW_ANONYMOUS: 'true', DRAIN_WINDOW_MS: String(drainWindowMs), RECONNECT_DELAY_MS: '750' });
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await gateway?.stop('SIGKILL');
  }, 30000);

  it('tells every client, refuses newcomers, closes everyone over the window and exits 0', async () => {
    sockets = await Promise.all(Array.from({ length: clients }, () => connectTestSocket(gateway.url)));
    const disconnects = sockets.map(
      (socket) => new Promise<{ reason: string; at: number }>((resolve) => socket.socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() }))),
    );

    process.kill(gateway.process.pid, 'SIGTERM');
    await sockets[0].next('shutdown', undefined, 5000);
    // Mid-drain: newcomers are turned away with a hint, and the load balancer is told.
    const [refusal, lb, ready] = await Promise.all([
      refusalOf(gateway.url),
      getJson<{ status: string }>(`${gateway.url}/lb/status`),
      getJson<{ checks: { draining: boolean } }>(`${gateway.url}/ready`),
    ]);
    expect(refusal).toEqual({ code: ErrorCode.SERVER_BUSY, message: expect.stringMatching(/shutting down/), retryAfterMs: 750 });
    expect(lb.body.status).toBe('draining');
    expect(ready).toMatchObject({ status: 503, body: { checks: { draining: true } } });

    const closed = await Promise.all(disconnects);
    expect(closed.every((item) => item.reason === 'io server disconnect')).toBe(true);
    for (const socket of sockets) {
      expect(socket.all<ShutdownPayload>('shutdown')).toEqual([{ reconnectInMs: 750, reason: expect.any(String) }]);
      // `shutdown` comes before the disconnect, never after it.
      expect(socket.received.at(-1)?.event).toBe('shutdown');
    }
    const spreadMs = Math.max(...closed.map((item) => item.at)) - Math.min(...closed.map((item) => item.at));
    expect(spreadMs).toBeGreaterThan(drainWindowMs / 2);
    expect(spreadMs).toBeLessThan(drainWindowMs + 1500);
    expect(await gateway.process.exited).toBe(0);
  }, 20000);
});
