import { Cluster, Redis } from 'ioredis';
import type { RedisSettings } from '@moonx-farm/server-core';

export type RedisConnection = Redis | Cluster;

export interface RedisConnectionOptions {
  /** A name shown in CLIENT LIST, e.g. `gateway-feed`. */
  name: string;
  /** Subscriber connections to a cluster must use sharded subscribers (SSUBSCRIBE routing). */
  subscriber?: boolean;
  /** Called for every connection error (counted by `redis_connection_errors`). */
  onError?: (error: Error) => void;
}

/**
 * One place that knows how to reach Redis: a single node, or a Redis Cluster when
 * REDIS_CLUSTER_NODES is set. ioredis reconnects on its own; commands issued while it is
 * reconnecting are queued, so a short Redis outage delays rather than fails them.
 */
export function createRedisConnection(settings: RedisSettings, options: RedisConnectionOptions): RedisConnection {
  const common = {
    password: settings.password,
    connectionName: options.name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: !options.subscriber,
  };
  const connection: RedisConnection =
    settings.clusterNodes.length > 0
      ? new Cluster(settings.clusterNodes, {
          redisOptions: common,
          shardedSubscribers: options.subscriber === true,
          enableAutoPipelining: common.enableAutoPipelining,
        })
      : new Redis({ ...common, host: settings.host, port: settings.port, db: settings.db });
  connection.on('error', (error: Error) => options.onError?.(error));
  return connection;
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitUntilReady(connection: RedisConnection, timeoutMs = 10000): Promise<void> {
  if (connection.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      connection.off('ready', onReady);
    };
    connection.on('ready', onReady);
  });
}
