import { orderBookUpdateMessageSchema } from '@moonx-farm/events';
import type { RoomStore } from '@moonx-farm/server-core';
import { OrderBook } from './order-book';

/** What the room store knows about a book when ingest (re)starts using it. */
export interface RecoveredBook {
  /** The room's current seq. */
  seq: number;
  /** The book at that seq; undefined when the store has no usable one (deltas wait for a snapshot). */
  book: OrderBook | undefined;
  /** Id of the event the stored snapshot belongs to: the last event sequenced into the room. */
  lastEventId: string | undefined;
  /** Ids of the events still in the room's history, oldest first (at most `historyWindow`). */
  sequencedIds: string[];
  /** Why a stored snapshot was not used, when there was one. */
  problem?: string;
}

/**
 * Reads a room's stored book back. The stored snapshot is the full book at the room's latest
 * seq (ingest writes one with every book event), so it is exactly the state the replayed
 * events already produced; the history tells which event ids those were.
 */
export async function recoverBook(store: RoomStore, room: string, maxDepth: number, historyWindow: number): Promise<RecoveredBook> {
  // Snapshot and seq read at one instant: a snapshot behind the seq means the snapshot is old.
  const { snapshot: stored, seq } = await store.readStart(room);
  const sequencedIds = await readSequencedIds(store, room, seq, historyWindow);
  if (stored === undefined) return { seq, book: undefined, lastEventId: undefined, sequencedIds };

  const parsed = parseStoredBook(stored.message, maxDepth);
  if (!parsed.ok) return { seq, book: undefined, lastEventId: undefined, sequencedIds, problem: parsed.problem };
  if (stored.seq !== seq) {
    // Written before every book event updated the snapshot: deltas after it are not in it.
    return { seq, book: undefined, lastEventId: undefined, sequencedIds, problem: `stored book is at seq ${stored.seq} but the room is at seq ${seq}` };
  }
  return { seq, book: parsed.book, lastEventId: parsed.id, sequencedIds };
}

function parseStoredBook(message: string, maxDepth: number): { ok: true; book: OrderBook; id: string } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, problem: 'stored book is not JSON' };
  }
  const result = orderBookUpdateMessageSchema.safeParse(json);
  if (!result.success) return { ok: false, problem: 'stored book is not an order book message' };
  const { kind, bids, asks, checksum, id } = result.data;
  if (kind !== 'snapshot') return { ok: false, problem: `stored book is a ${kind}, not a full snapshot` };
  const book = new OrderBook(maxDepth);
  const applied = book.replace(bids, asks);
  if (!applied.ok) return { ok: false, problem: `stored book is unusable: ${applied.reason}` };
  if (checksum !== undefined && checksum !== book.checksum()) {
    return { ok: false, problem: `stored book checksum ${checksum} does not match its levels (${book.checksum()})` };
  }
  return { ok: true, book, id };
}

async function readSequencedIds(store: RoomStore, room: string, seq: number, historyWindow: number): Promise<string[]> {
  // The history may be shorter than the window (its cap changed): halve until it reaches back.
  for (let window = Math.min(historyWindow, seq); window >= 1; window = Math.floor(window / 2)) {
    const read = await store.readSince(room, seq - window, window);
    if (read.complete) return read.envelopes.flatMap(idOfEnvelope);
  }
  return [];
}

function idOfEnvelope(envelope: string): string[] {
  try {
    const id = (JSON.parse(envelope) as { payload?: { id?: unknown } }).payload?.id;
    return typeof id === 'string' ? [id] : [];
  } catch {
    return [];
  }
}
