import type { DEXEventType } from '@moonx-farm/events';

/**
 * Per-room state of the real-time path: sequence, latest snapshot, short history.
 * Ingest writes it; gateways read snapshots and history to answer joins and resumes.
 */
export interface AppendRequest {
  room: string;
  type: DEXEventType;
  /** Idempotency id: appending the same id to the same room twice yields the first seq. */
  eventId: string;
  /**
   * The delivered message as JSON without its `seq` field and without the opening brace,
   * e.g. `"room":"price:BTC-USDC","price":"1"}`. The store prefixes `{"seq":N,` so sequence
   * assignment and the message stay one atomic step (a Lua script in Redis).
   */
  messageTail: string;
  /** When set, the room's snapshot becomes this message (same form as messageTail) at the new seq. */
  snapshotTail?: string;
  /** Ingest time, epoch ms, carried in the envelope for stage latency. */
  publishedAt: number;
  /**
   * When set, the event must take exactly this seq: the store refuses the append (rejects, and
   * writes and publishes nothing) unless the room is at `expectedSeq - 1`. An id already
   * sequenced still answers as a duplicate. Order books use it: each message carries the
   * checksum of the book after every message before it, so none may follow a lost one.
   */
  expectedSeq?: number;
}

export interface AppendResult {
  seq: number;
  /** True when the event id was already appended: nothing was written or published. */
  duplicate: boolean;
}

export interface StoredSnapshot {
  seq: number;
  /** The snapshot message JSON (carries its seq). */
  message: string;
}

/** Where a room stands: its current seq and its latest snapshot, read at one instant. */
export interface RoomStart {
  /** Current seq (0 when the room has never had an event). */
  seq: number;
  /**
   * The latest snapshot, when the room has one: at `seq`, or earlier when events after it
   * carried none.
   */
  snapshot?: StoredSnapshot;
}

export type HistoryRead =
  /** Every envelope after `afterSeq`, in order (possibly none). */
  | { complete: true; envelopes: string[]; lastSeq: number }
  /** History no longer reaches back to `afterSeq + 1`. */
  | { complete: false; lastSeq: number };

export interface RoomStoreLimits {
  /** Events kept per room for resume. */
  historyLimit: number;
  /** Event ids remembered per room for idempotent sequencing. */
  dedupeWindow: number;
}

export interface RoomStore {
  /**
   * Atomically: assign the room's next seq (unless the event id was seen), store the
   * snapshot, append to the capped history, publish the envelope on the room's channel.
   */
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Which of `eventIds` the room has already sequenced, as far back as its dedupe window
   * reaches: the ids `append` would answer as duplicates.
   */
  knownEventIds(room: string, eventIds: readonly string[]): Promise<Set<string>>;
  /** Current seq of a room (0 when the room has never had an event). */
  currentSeq(room: string): Promise<number>;
  snapshot(room: string): Promise<StoredSnapshot | undefined>;
  /**
   * The current seq and the snapshot together, in one round trip and at one instant: what a
   * join starts from (the two reads apart would cost a join two round trips, and could fall on
   * either side of an append).
   */
  readStart(room: string): Promise<RoomStart>;
  /** Envelopes with seq > afterSeq, up to `limit`. */
  readSince(room: string, afterSeq: number, limit: number): Promise<HistoryRead>;
  close(): Promise<void>;
}

export const ROOM_STORE = Symbol('ROOM_STORE');

/** Why an append with `expectedSeq` was refused (the same words from every store). */
export function seqConflictMessage(room: string, seq: number, expectedSeq: number): string {
  return `append to ${room} refused: the event was to take seq ${expectedSeq}, but the room is at seq ${seq}`;
}
