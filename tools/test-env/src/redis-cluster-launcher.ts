import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCALHOST, findFreePort, redisCommand, waitUntil } from './net-utils';
import { launchOnFreePort, spawnRedisServer } from './redis-server-launcher';
import type { TiedProcess } from './tied-process';

export interface RedisClusterOptions {
  /** Number of masters (no replicas); redis-cli needs at least 3. Default 3. */
  masters?: number;
  /** Budget for the whole start, including slot assignment and gossip (default 20 s). */
  startTimeoutMs?: number;
}

export interface RedisClusterNode {
  host: string;
  port: number;
}

export interface RedisClusterHandle {
  /** Every master, usable as ioredis `Cluster` startup nodes. */
  readonly nodes: RedisClusterNode[];
  /** Stops every node, waits for their exit and removes the temporary directory. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster of N masters on 127.0.0.1 in a temporary directory: N
 * `redis-server --cluster-enabled yes` processes, slots spread by `redis-cli --cluster create`,
 * then waits until every node reports `cluster_state:ok` (gossip takes a moment after
 * redis-cli returns; before that, clients get CLUSTERDOWN). Takes about 2 s.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 3) {
    throw new Error(`a Redis Cluster needs at least 3 masters (got ${masters})`);
  }
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const servers: TiedProcess[] = [];

  const stop = async (): Promise<void> => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const started = await Promise.all(
      Array.from({ length: masters }, () =>
        launchOnFreePort(undefined, async (port) => {
          // An explicit bus port: the default (port + 10000) may be taken or exceed 65535.
          const busPort = await findFreePort();
          const server = await spawnRedisServer(
            port,
            [
              '--cluster-enabled', 'yes',
              '--cluster-config-file', join(dir, `nodes-${port}.conf`),
              '--cluster-port', String(busPort),
              '--cluster-node-timeout', '5000',
            ],
            { cwd: dir, timeoutMs },
          );
          servers.push(server);
          return server;
        }),
      ),
    );
    const nodes = started.map(({ port }) => ({ host: LOCALHOST, port }));

    await createCluster(nodes, timeoutMs);
    await Promise.all(
      nodes.map((node) =>
        waitUntil(async () => (await clusterState(node)) === 'ok', {
          timeoutMs,
          intervalMs: 50,
          describe: () => `Redis Cluster node ${node.port} did not reach cluster_state:ok`,
        }),
      ),
    );
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function createCluster(nodes: RedisClusterNode[], timeoutMs: number): Promise<void> {
  const args = [
    '--cluster', 'create',
    ...nodes.map((node) => `${node.host}:${node.port}`),
    '--cluster-replicas', '0',
    '--cluster-yes',
  ];
  await new Promise<void>((resolve, reject) => {
    execFile('redis-cli', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ' (is redis-cli installed?)' : '';
      reject(new Error(`redis-cli --cluster create failed${hint}: ${error.message}\n${stdout}${stderr}`));
    });
  });
}

async function clusterState(node: RedisClusterNode): Promise<string | undefined> {
  const info = await redisCommand(node.host, node.port, ['CLUSTER', 'INFO'], 500);
  return typeof info === 'string' ? /^cluster_state:(\w+)/m.exec(info)?.[1] : undefined;
}
