import type { RoomFeed, RoomFeedListener } from '../ports/room-feed.port';

/**
 * In-process pub/sub shared by the in-memory store (publisher) and any number of feeds
 * (one per gateway instance), so the embedded default behaves like Redis fan-out.
 */
export class InMemoryPubSubHub {
  private readonly feeds = new Set<InMemoryRoomFeed>();

  publish(room: string, envelope: string): void {
    for (const feed of this.feeds) feed.deliver(room, envelope);
  }

  createFeed(): InMemoryRoomFeed {
    const feed = new InMemoryRoomFeed(() => this.feeds.delete(feed));
    this.feeds.add(feed);
    return feed;
  }
}

export class InMemoryRoomFeed implements RoomFeed {
  private readonly rooms = new Set<string>();
  private listener: RoomFeedListener | undefined;

  constructor(private readonly detach: () => void) {}

  async subscribe(room: string): Promise<void> {
    this.rooms.add(room);
  }

  async unsubscribe(room: string): Promise<void> {
    this.rooms.delete(room);
  }

  /** Deliveries are microtasks queued at publish: one queued now runs after all of them. */
  async sync(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }

  setListener(listener: RoomFeedListener): void {
    this.listener = listener;
  }

  /** Never called: an in-process hub has no connection to lose, and loses no message. */
  setInterruptionListener(): void {
    return;
  }

  /** Asynchronous like a network hop, so publishers never re-enter gateway code. */
  deliver(room: string, envelope: string): void {
    if (!this.rooms.has(room)) return;
    queueMicrotask(() => {
      if (this.rooms.has(room)) this.listener?.(room, envelope);
    });
  }

  async close(): Promise<void> {
    this.rooms.clear();
    this.detach();
  }
}
