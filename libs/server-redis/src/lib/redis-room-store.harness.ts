import type { RedisSettings } from '@moonx-farm/server-core';
import type { RoomStoreHarness } from '@moonx-farm/server-core/testing';
import { createRedisConnection, waitUntilReady, type RedisConnection } from './redis-connection.factory';
import { RedisRoomFeed } from './redis-room-feed';
import { RedisRoomStore } from './redis-room-store';

/** A RoomStore contract harness on Redis (single node or Cluster, by `settings`). Test-only. */
export async function createRedisRoomStoreHarness(settings: RedisSettings, onCleanup: () => Promise<void> = async () => undefined): Promise<RoomStoreHarness> {
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
      await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
      await onCleanup();
    },
  };
}
