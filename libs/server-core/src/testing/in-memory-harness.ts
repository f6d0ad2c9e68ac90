import { InMemoryEventLog } from '../lib/in-memory/in-memory-event-log';
import type { EventLogHarness } from './event-log.contract';
import { InMemoryPubSubHub } from '../lib/in-memory/in-memory-room-feed';
import { InMemoryRoomStore } from '../lib/in-memory/in-memory-room-store';
import type { RoomStoreHarness } from './room-store.contract';

export async function createInMemoryRoomStoreHarness(limits = { historyLimit: 5, dedupeWindow: 3 }): Promise<RoomStoreHarness> {
  const hub = new InMemoryPubSubHub();
  const store = new InMemoryRoomStore(hub, limits);
  return { store, limits, createFeed: async () => hub.createFeed(), cleanup: () => store.close() };
}

export async function createInMemoryEventLogHarness(): Promise<EventLogHarness> {
  const log = new InMemoryEventLog();
  return {
    sink: log,
    createSource: (groupId) => log.createSource(groupId, { retryDelayMs: 20 }),
    createTopic: async (name) => {
      log.partitionsOf(name);
    },
    cleanup: () => log.close(),
  };
}
