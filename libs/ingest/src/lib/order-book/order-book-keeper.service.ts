import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRoomName } from '@moonx-farm/events';
import { ROOM_STORE, type AppendResult, type RoomStore } from '@moonx-farm/server-core';
import { OrderBook, type BookLevels } from './order-book';
import { recoverBook } from './order-book-recovery';
import {
  ORDER_BOOK_SETTINGS,
  type BookMessageBody,
  type BookOutcome,
  type OrderBookEvent,
  type OrderBookSettings,
} from './order-book-settings';

/** What the keeper holds per symbol. */
interface BookState {
  room: string;
  /** Undefined until a snapshot is known: deltas are rejected then. */
  book: OrderBook | undefined;
  /**
   * The room's seq the book belongs to: that of the last event applied to it. Its append may
   * still be in flight, but the store gives it exactly this seq or none (a failed batch, or a
   * duplicate, reloads the book), so between batches it is the store's.
   */
  seq: number;
  sinceSnapshot: number;
  snapshotRequested: boolean;
  /** Ids already sequenced into the room, oldest first (a Set keeps insertion order). */
  recentIds: Set<string>;
  /**
   * Ids of the current batch's events that the store had already sequenced when the batch
   * began: it remembers more of them (its dedupe window) than `recentIds` does.
   */
  storeKnown: Set<string>;
  /** After a recovery with history: the id of the stored snapshot's event, until the replay reaches it. */
  replayUntil: string | undefined;
  /** Events of this symbol at the head of the current batch that are replays of the stored past. */
  replayAhead: number;
}

/** An event of a batch, as `prepare` needs it. */
export interface BookEventRef {
  symbol: string;
  eventId: string;
}

/**
 * Keeps every symbol's order book from the producers' snapshots and deltas, and says what to
 * publish: the delta itself (changed levels, absolute sizes) or a full snapshot, each with the
 * checksum of the resulting book, plus the full book to store as the room's snapshot.
 *
 * Per batch: `prepare` (loads books, async), then `apply` per event in order (sync), then
 * `recordAppend` per append result. After a restart a book is loaded from the room's stored
 * snapshot, which already includes every replayed event: those are recognised by their ids
 * (read from the room's history) and skipped without touching the book, so re-applying old
 * levels can never cross or distort it. `prepare` also asks the store which of the batch's ids
 * it has sequenced, so an id re-sent from further back than this keeper remembers is skipped
 * too, as far back as the store's dedupe window: applied, it would move the book back, and
 * every event after it in the batch would be published and stored on the wrong book.
 * Each accepted event says the seq it was built for (`seq`), and the store refuses its append
 * at any other: when an append is lost, none built on its book is published.
 * Batches touching one symbol must not overlap: the event source hands over one batch at a
 * time, and a symbol's events share a partition key.
 */
@Injectable()
export class OrderBookKeeperService {
  private readonly logger = new Logger('OrderBooks');
  private readonly books = new Map<string, BookState>();
  private readonly pendingSnapshotRequests = new Set<string>();

  constructor(
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    @Inject(ORDER_BOOK_SETTINGS) private readonly settings: OrderBookSettings,
  ) {}

  /**
   * Makes every symbol of the batch ready: loads unknown books from the store, reloads a book
   * whose room moved on without this keeper (another ingest instance owned the partition),
   * reads which of the batch's ids the store has sequenced (one lookup per symbol, beside the
   * seq check), and marks which events at the head of the batch are replays of what the store
   * already holds.
   */
  async prepare(events: readonly BookEventRef[]): Promise<void> {
    const idsBySymbol = new Map<string, string[]>();
    for (const { symbol, eventId } of events) {
      const ids = idsBySymbol.get(symbol);
      if (ids) ids.push(eventId);
      else idsBySymbol.set(symbol, [eventId]);
    }
    await Promise.all(
      [...idsBySymbol].map(async ([symbol, ids]) => {
        const [state, known] = await Promise.all([this.ready(symbol), this.store.knownEventIds(createRoomName.orderbook(symbol), ids)]);
        state.storeKnown = known;
      }),
    );
    for (const symbol of idsBySymbol.keys()) this.planReplay(this.books.get(symbol) as BookState, symbol, events);
  }

  /** The outcome of one book event; call in batch order, after `prepare`. */
  apply(event: OrderBookEvent, eventId: string): BookOutcome {
    const state = this.books.get(event.symbol);
    if (state === undefined) throw new Error(`order book of ${event.symbol} is not prepared for this batch`);
    if (state.replayAhead > 0) {
      state.replayAhead--;
      if (!isSequenced(state, eventId)) {
        // It precedes, in log order, events that were sequenced, yet was not: it was rejected the
        // first time, and applying it now would move the book back.
        return {
          outcome: 'rejected',
          reason: `${event.symbol} book event ${eventId} is redelivered from before events the store already holds and was not sequenced the first time: applying it now would move the book back`,
        };
      }
    }
    if (isSequenced(state, eventId)) return { outcome: 'replayed' };

    const { kind, bids, asks } = event.data;
    if (kind === 'delta' && state.book === undefined) {
      return { outcome: 'rejected', reason: `order book delta for ${event.symbol} rejected: the book is unknown (no snapshot yet)` };
    }
    const book = state.book ?? new OrderBook(this.settings.maxDepth);
    const result = kind === 'snapshot' ? book.replace(bids, asks) : book.applyDelta(bids, asks);
    if (!result.ok) return { outcome: 'rejected', reason: `order book ${kind} for ${event.symbol} rejected: ${result.reason}; the book keeps its previous state` };
    state.book = book;
    this.remember(state, eventId);
    const seq = ++state.seq;

    // Object.assign, not spread syntax, which is slow in Node 20 (room-message.mapper.ts).
    const full: BookMessageBody = Object.assign({ kind: 'snapshot' as const }, book.levels(), { checksum: book.checksum() });
    if (kind === 'snapshot' || state.snapshotRequested || state.sinceSnapshot + 1 >= this.settings.snapshotEvery) {
      state.sinceSnapshot = 0;
      state.snapshotRequested = false;
      return { outcome: 'accepted', live: full, snapshot: full, seq };
    }
    state.sinceSnapshot++;
    return { outcome: 'accepted', live: Object.assign({ kind: 'delta' as const }, result.changes, { checksum: full.checksum }), snapshot: full, seq };
  }

  /**
   * Feeds an append's result back. One that went through took the seq `apply` gave it (the store
   * refuses any other); a duplicate means the store knew an event this keeper did not (another
   * writer appended it since the batch's lookup): the store's snapshot is the truth, so read it
   * again before the next batch.
   */
  recordAppend(symbol: string, result: AppendResult): void {
    const state = this.books.get(symbol);
    if (state === undefined || !result.duplicate) return;
    this.logger.warn(`${state.room}: the store reported an event it did not remember as sequenced; reloading the book`);
    this.books.delete(symbol);
  }

  /** Forgets books (e.g. after a failed batch) so the next batch reloads them from the store. */
  invalidate(symbols: Iterable<string>): void {
    for (const symbol of symbols) this.books.delete(symbol);
  }

  /** Makes the next published message of this symbol a full snapshot (e.g. after a gap). */
  requestSnapshot(symbol: string): void {
    const state = this.books.get(symbol);
    if (state !== undefined) state.snapshotRequested = true;
    else this.pendingSnapshotRequests.add(symbol);
  }

  /** The current levels of a symbol's book (a copy), or undefined when it is not known. */
  bookOf(symbol: string): BookLevels | undefined {
    return this.books.get(symbol)?.book?.levels();
  }

  /** The symbol's book for this batch: kept, reloaded when its room moved on without it, or loaded. */
  private async ready(symbol: string): Promise<BookState> {
    const state = this.books.get(symbol);
    if (state !== undefined) {
      const seq = await this.store.currentSeq(state.room);
      if (seq === state.seq) return state;
      this.logger.warn(`${state.room} moved from seq ${state.seq} to ${seq} without this instance: reloading its book`);
    }
    const loaded = await this.load(symbol);
    this.books.set(symbol, loaded);
    return loaded;
  }

  private async load(symbol: string): Promise<BookState> {
    const room = createRoomName.orderbook(symbol);
    const recovered = await recoverBook(this.store, room, this.settings.maxDepth, this.settings.rememberedIds);
    if (recovered.problem !== undefined) this.logger.warn(`${room}: ${recovered.problem}; waiting for a snapshot from the producer`);
    const snapshotRequested = this.pendingSnapshotRequests.delete(symbol);
    return {
      room,
      book: recovered.book,
      seq: recovered.seq,
      sinceSnapshot: 0,
      snapshotRequested,
      recentIds: new Set(recovered.sequencedIds.slice(-this.settings.rememberedIds)),
      storeKnown: new Set(),
      replayUntil: recovered.sequencedIds.length > 0 ? recovered.lastEventId : undefined,
      replayAhead: 0,
    };
  }

  /**
   * Kafka redelivers from the last committed offset, in log order, which is sequence order.
   * So right after a recovery, every event of the batch up to the last one the store already
   * holds is from the past. Once the replay reaches the stored snapshot's own event, or a batch
   * brings none, what follows is new.
   */
  private planReplay(state: BookState, symbol: string, events: readonly BookEventRef[]): void {
    state.replayAhead = 0;
    if (state.replayUntil === undefined) return;
    let position = 0;
    let lastKnown: string | undefined;
    for (const event of events) {
      if (event.symbol !== symbol) continue;
      position++;
      if (isSequenced(state, event.eventId)) {
        state.replayAhead = position;
        lastKnown = event.eventId;
      }
    }
    if (lastKnown === undefined || lastKnown === state.replayUntil) state.replayUntil = undefined;
  }

  private remember(state: BookState, eventId: string): void {
    state.recentIds.add(eventId);
    if (state.recentIds.size > this.settings.rememberedIds) {
      state.recentIds.delete(state.recentIds.values().next().value as string);
    }
  }
}

/** The event was sequenced into the room before: by this keeper, or as the store remembers. */
function isSequenced(state: BookState, eventId: string): boolean {
  return state.recentIds.has(eventId) || state.storeKnown.has(eventId);
}
