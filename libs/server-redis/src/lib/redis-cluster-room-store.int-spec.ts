import { startRedisCluster, uniqueName, type RedisClusterHandle } from '@moonx-farm/test-env';
import { describeRoomStoreContract } from '@moonx-farm/server-core/testing';
import type { RedisSettings } from '@moonx-farm/server-core';
import { createRedisConnection, waitUntilReady, type RedisConnection } from './redis-connection.factory';
import { RedisRoomFeed } from './redis-room-feed';
import { RedisRoomStore } from './redis-room-store';

// The same contract on a 3-master Redis Cluster: every key of a room shares its hash slot,
// the Lua append runs on the slot's node and SPUBLISH reaches sharded subscribers.
describeRoomStoreContract('redis cluster (3 masters)', async () => {
  const cluster: RedisClusterHandle = await startRedisCluster({ masters: 3 });
  const settings: RedisSettings = { host: '', port: 0, db: 0, keyPrefix: `${uniqueName('c')}:`, clusterNodes: cluster.nodes };
  const limits = { historyLimit: 5, dedupeWindow: 3 };
  const connections: RedisConnection[] = [];
  const connect = async (name: string, subscriber = false) => {
    const connection = createRedisConnection(settings, { name, subscriber });
    connections.push(connection);
    await waitUntilReady(connection);
    return connection;
  };
  const store = new RedisRoomStore(await connect('cluster-store'), limits, settings.keyPrefix);
  return {
    store,
    limits,
    createFeed: async () => new RedisRoomFeed(await connect('cluster-feed', true), settings.keyPrefix),
    cleanup: async () => {
      await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
      await cluster.stop();
    },
  };
});
