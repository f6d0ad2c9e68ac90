import Redis from 'ioredis';
import { isPortFree, redisCommand } from './net-utils';
import { startRedisServer, type RedisServerHandle } from './redis-server-launcher';

describe('startRedisServer', () => {
  let server: RedisServerHandle | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('starts, restarts on the same port without data, and frees the port on stop', async () => {
    server = await startRedisServer();
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);

    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: null });
    await client.connect();
    try {
      expect(await client.ping()).toBe('PONG');
      await client.set('survives-restart', 'no');

      await server.restart();
      // ioredis reconnects by itself to the same host:port; persistence is off.
      expect(await client.ping()).toBe('PONG');
      expect(await client.get('survives-restart')).toBeNull();
    } finally {
      client.disconnect();
    }

    const { port } = server;
    await server.stop();
    server = undefined;
    expect(await isPortFree(port)).toBe(true);
    await expect(redisCommand('127.0.0.1', port, ['PING'])).rejects.toThrow(/ECONNREFUSED/);
  });

  it('runs several servers side by side on distinct ports, with extra arguments', async () => {
    server = await startRedisServer({ extraArgs: ['--maxmemory', '2mb'] });
    const other = await startRedisServer();
    try {
      expect(other.port).not.toBe(server.port);
      expect(await redisCommand(server.host, server.port, ['CONFIG', 'GET', 'maxmemory'])).toEqual([
        'maxmemory',
        String(2 * 1024 * 1024),
      ]);
      expect(await redisCommand(other.host, other.port, ['PING'])).toBe('PONG');
    } finally {
      await other.stop();
    }
  });

  it('refuses to start on a port that is in use', async () => {
    server = await startRedisServer();
    await expect(startRedisServer({ port: server.port, startTimeoutMs: 3000 })).rejects.toThrow(
      /Address already in use/,
    );
  });
});
