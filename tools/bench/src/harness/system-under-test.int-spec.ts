import Redis from 'ioredis';
import { AUTH_VERIFY_PATTERN } from '@moonx-farm/server-core';
import { startRedisServer, waitFor, type RedisServerHandle } from '@moonx-farm/test-env';
import { startGateway } from './system-under-test';

/*
 * A bench run starts the auth bridge before the gateway (scenario 3). When the gateway cannot
 * start, the scenario fails; the bridge must go with it, or its process keeps the runner alive
 * and the run never ends. The built apps are started for real, on a Redis of the test's own
 * (the bridge's subscription to its request channel says whether it still runs).
 */
describe('starting the gateway for a bench run', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  const savedOptions = process.env['GATEWAY_NODE_OPTIONS'];

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis({ host: server.host, port: server.port });
  });

  afterAll(async () => {
    if (savedOptions === undefined) delete process.env['GATEWAY_NODE_OPTIONS'];
    else process.env['GATEWAY_NODE_OPTIONS'] = savedOptions;
    await redis.quit();
    await server.stop();
  });

  const bridgeListeners = async () => Number(((await redis.pubsub('NUMSUB', AUTH_VERIFY_PATTERN)) as [string, number])[1]);

  it('stops the auth bridge it started when the gateway cannot start', async () => {
    // A preload that does not exist: the gateway's process exits as it starts.
    process.env['GATEWAY_NODE_OPTIONS'] = '--require /nonexistent/bench-preload.js';
    const context = { cores: { server: 'all', rest: 'all', pinned: false } };
    await expect(startGateway(context, { host: server.host, port: server.port }, { authBridge: true })).rejects.toThrow(/gateway exited during start/);
    await waitFor(async () => (await bridgeListeners()) === 0, 10_000, 'the auth bridge to stop', 50);
  }, 60_000);
});
