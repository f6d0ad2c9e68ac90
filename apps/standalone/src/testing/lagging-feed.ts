import type { InMemoryRoomFeed } from '@moonx-farm/server-core';

/**
 * Makes the embedded feed hand `room`'s messages to the gateway `lagMs` late, as a Redis
 * subscriber connection behind the store's connection does; its `sync` waits for them, as the
 * Redis feed's does. `restore` puts the feed's own methods back.
 */
export function lagFeed(feed: InMemoryRoomFeed, room: string, lagMs: number) {
  const deliver = feed.deliver.bind(feed);
  const sync = feed.sync.bind(feed);
  const inFlight = new Set<Promise<void>>();
  feed.deliver = (to: string, envelope: string) => {
    if (to !== room) return deliver(to, envelope);
    const landing = new Promise<void>((resolve) =>
      setTimeout(() => {
        deliver(to, envelope);
        resolve();
      }, lagMs),
    );
    inFlight.add(landing);
    void landing.then(() => inFlight.delete(landing));
  };
  feed.sync = async () => {
    await Promise.all([...inFlight]);
    await sync();
  };
  return {
    inFlight: () => inFlight.size,
    restore: () => {
      feed.deliver = deliver;
      feed.sync = sync;
    },
  };
}
