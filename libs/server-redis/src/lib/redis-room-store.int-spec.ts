import { getSharedTestEnv, uniqueName } from '@moonx-farm/test-env';
import { describeRoomStoreContract } from '@moonx-farm/server-core/testing';
import type { RedisSettings } from '@moonx-farm/server-core';
import { createRedisConnection, waitUntilReady, type RedisConnection } from './redis-connection.factory';
import { RedisRoomFeed } from './redis-room-feed';
import { RedisRoomStore } from './redis-room-store';

describeRoomStoreContract('redis (single node)', async () => {
  const { redis } = getSharedTestEnv();
  // A unique key prefix isolates this suite on the shared server.
  const settings: RedisSettings = { host: redis.host, port: redis.port, db: 0, keyPrefix: `${uniqueName('t')}:`, clusterNodes: [] };
  const limits = { historyLimit: 5, dedupeWindow: 3 };
  const connections: RedisConnection[] = [];
  const connect = async (name: string, subscriber = false) => {
    const connection = createRedisConnection(settings, { name, subscriber });
    connections.push(connection);
    await waitUntilReady(connection);
    return connection;
  };
  const store = new RedisRoomStore(await connect('contract-store'), limits, settings.keyPrefix);
  return {
    store,
    limits,
    createFeed: async () => new RedisRoomFeed(await connect('contract-feed', true), settings.keyPrefix),
    cleanup: async () => {
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
});
