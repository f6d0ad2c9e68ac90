/**
 * The real-time fan-out path from ingest to the gateways: one channel per room. A replica
 * subscribes to a room while it has local members there, so only those replicas get the
 * room's traffic. Messages are envelope JSON strings (see RoomEnvelope in libs/events).
 */
export type RoomFeedListener = (room: string, envelope: string) => void;

export interface RoomFeed {
  /** Resolves once messages published after this call are certain to arrive. */
  subscribe(room: string): Promise<void>;
  unsubscribe(room: string): Promise<void>;
  /**
   * Resolves once every message published to `room` before this call has been handed to the
   * listener. A join reads the room's history on another connection than the one its live
   * messages come on: the read can come back before the live messages of events it holds,
   * and those must not then reach the joined socket a second time. Only for a subscribed room.
   */
  sync(room: string): Promise<void>;
  /** One listener per feed: the gateway's dispatcher. */
  setListener(listener: RoomFeedListener): void;
  /**
   * Called whenever the feed may have missed messages (a connection it receives them on
   * dropped), so that what a replica concluded from seeing no message of a room is dropped.
   * One listener per feed.
   */
  setInterruptionListener(listener: () => void): void;
  close(): Promise<void>;
}

export const ROOM_FEED = Symbol('ROOM_FEED');
