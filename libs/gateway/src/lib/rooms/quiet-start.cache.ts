import type { RoomActivityListener } from './room-fanout.service';

/** What the cache knows of one followed room. */
interface RoomEntry<T> {
  /** Moves on every message of the room: a read that saw it move may be out of date. */
  epoch: number;
  kept?: Promise<T>;
  keptAt: number;
}

/**
 * A public room's starting point (snapshot or seq), kept while the replica has seen no message
 * of the room since the read began, so the joins after it need no read of their own.
 *
 * Every message that changes a room's snapshot or seq is published on its channel in the same
 * atomic step (the store's append), and the replica is subscribed to the room while it has
 * local members. A read whose room saw no message from before it was sent until its
 * answer (and the feed's sync) arrived is therefore the room's starting point until the next
 * message; a join that finds it kept holds the events from that moment on, as it would after
 * a read of its own. What the cache cannot see ends a kept start: the room's subscription
 * given back (no messages seen from then on), the feed interrupted (messages may have been
 * lost), and, for whatever else might change the store behind the feed's back, an age limit.
 * While the feed lags the store, a join so starts where the replica's feed is, not where the
 * store is: the messages in between follow its ack once each, as for the sockets already in
 * the room (apps/standalone/src/lagging-feed.e2e-spec.ts).
 *
 * Measured with the bench's scenario 1 (5,000 clients joining 6 of 100 quiet rooms each), the
 * connects took a third less time; in a reconnect storm after a replica restart this is how
 * long traders wait for their prices.
 */
export class QuietStartCache<T> implements RoomActivityListener {
  private readonly rooms = new Map<string, RoomEntry<T>>();

  constructor(
    /** The longest a start is kept, ms. */
    private readonly maxAgeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The room's starting point: the kept one, or `read()`'s, which is kept when no message of the
   * room came while it was under way. Call only while the room is subscribed, after the join
   * started holding the room's events (as for a read of its own).
   */
  startOf(room: string, read: () => Promise<T>): Promise<T> {
    let entry = this.rooms.get(room);
    if (entry?.kept) {
      if (this.now() - entry.keptAt <= this.maxAgeMs) return entry.kept;
      entry.kept = undefined;
    }
    if (!entry) {
      entry = { epoch: 0, keptAt: 0 };
      this.rooms.set(room, entry);
    }
    const followed = entry;
    const epoch = followed.epoch;
    const reading = read();
    reading.then(
      () => {
        // Still the same stretch of following the room, and still quiet since the read began.
        if (this.rooms.get(room) !== followed || followed.epoch !== epoch) return;
        followed.kept = reading;
        followed.keptAt = this.now();
      },
      () => undefined,
    );
    return reading;
  }

  /** How many rooms have a start kept now. */
  get size(): number {
    let kept = 0;
    for (const entry of this.rooms.values()) if (entry.kept) kept++;
    return kept;
  }

  noteMessage(room: string): void {
    const entry = this.rooms.get(room);
    if (!entry) return;
    entry.epoch++;
    entry.kept = undefined;
  }

  noteReleased(room: string): void {
    this.rooms.delete(room);
  }

  noteInterrupted(): void {
    this.rooms.clear();
  }
}
