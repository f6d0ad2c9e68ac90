import { roomChannel } from '@moonx-farm/events';
import type { RoomFeed, RoomFeedListener } from '@moonx-farm/server-core';
import type { RedisConnection } from './redis-connection.factory';

const INTERRUPTIONS = ['close', '-node', '-subscriber', 'subscribersReady'] as const;

/**
 * RoomFeed on Redis sharded pub/sub: one SSUBSCRIBE per room with local members. On a
 * Cluster the subscriber connection must be created with `shardedSubscribers: true`.
 */
export class RedisRoomFeed implements RoomFeed {
  private listener: RoomFeedListener | undefined;
  private interrupted: (() => void) | undefined;
  private readonly channelPrefix: string;
  private readonly channelSuffix = '}:live';

  constructor(
    private readonly subscriber: RedisConnection,
    private readonly keyPrefix: string,
  ) {
    this.channelPrefix = `${keyPrefix}{`;
    subscriber.on('smessage', (channel: string, message: string) => {
      if (!channel.startsWith(this.channelPrefix) || !channel.endsWith(this.channelSuffix)) return;
      const room = channel.slice(this.channelPrefix.length, channel.length - this.channelSuffix.length);
      this.listener?.(room, message);
    });
    // A single Redis: the connection closed (ioredis reconnects and subscribes again, but what
    // was published meanwhile is gone). A Cluster: a shard's subscriber or a node went away, or
    // ioredis rebuilt its shard subscribers after a topology change (a moved slot) and subscribed
    // again (`subscribersReady`; the `moved` of a shard's connection never reaches the Cluster).
    // Any of them may have cost messages.
    for (const event of INTERRUPTIONS) subscriber.on(event, () => this.interrupted?.());
  }

  async subscribe(room: string): Promise<void> {
    await this.subscriber.ssubscribe(roomChannel(room, this.keyPrefix));
  }

  async unsubscribe(room: string): Promise<void> {
    await this.subscriber.sunsubscribe(roomChannel(room, this.keyPrefix));
  }

  /**
   * SSUBSCRIBE again: Redis answers it on the connection (on a Cluster, the shard's) that
   * carries the room's messages, after every message published before it. Subscribing to a
   * channel already subscribed changes nothing else.
   */
  async sync(room: string): Promise<void> {
    await this.subscriber.ssubscribe(roomChannel(room, this.keyPrefix));
  }

  setListener(listener: RoomFeedListener): void {
    this.listener = listener;
  }

  setInterruptionListener(listener: () => void): void {
    this.interrupted = listener;
  }

  async close(): Promise<void> {
    this.listener = undefined;
  }
}
