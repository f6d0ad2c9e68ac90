import {
  BOOK_CHECKSUM_DEPTH,
  bookChecksum,
  compareDecimals,
  MAX_BOOK_LEVELS,
  type BookLevel,
  type DecimalString,
} from '@moonx-farm/events';
import { BookSide, type BookSideName } from './book-side';

/** Levels per side, best first. */
export interface BookLevels {
  bids: BookLevel[];
  asks: BookLevel[];
}

export type BookUpdateResult =
  /** `changes`: the levels whose size really changed, absolute sizes ("0" = removed), best first. */
  | { ok: true; changes: BookLevels }
  | { ok: false; reason: string };

const SIDES: readonly BookSideName[] = ['bids', 'asks'];

/**
 * One symbol's order book as ingest keeps it. Updates are all-or-nothing: an update that
 * would cross the book (best bid >= best ask) changes nothing. Depth is capped per side,
 * keeping the best levels, so a producer cannot grow the book without bound.
 */
export class OrderBook {
  private sides: Record<BookSideName, BookSide> = { bids: new BookSide('bids'), asks: new BookSide('asks') };

  constructor(readonly maxDepth: number = MAX_BOOK_LEVELS) {
    if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new Error(`book depth must be a positive integer, got ${maxDepth}`);
  }

  get bids(): readonly BookLevel[] {
    return this.sides.bids.all;
  }

  get asks(): readonly BookLevel[] {
    return this.sides.asks.all;
  }

  /** A copy of every level, best first. */
  levels(): BookLevels {
    return { bids: [...this.sides.bids.all], asks: [...this.sides.asks.all] };
  }

  /** CRC32 of the top 10 levels per side (Kraken's algorithm, `bookChecksum` of libs/events). */
  checksum(): number {
    return bookChecksum(this.bids.slice(0, BOOK_CHECKSUM_DEPTH), this.asks.slice(0, BOOK_CHECKSUM_DEPTH));
  }

  /** A snapshot: the book becomes exactly these levels (any order; size 0 levels are dropped). */
  replace(bids: readonly BookLevel[], asks: readonly BookLevel[]): BookUpdateResult {
    const next = { bids: new BookSide('bids'), asks: new BookSide('asks') };
    next.bids.replace(bids);
    next.asks.replace(asks);
    const crossed = crossingOf(next);
    if (crossed !== undefined) return { ok: false, reason: crossed };
    next.bids.trim(this.maxDepth);
    next.asks.trim(this.maxDepth);
    this.sides = next;
    return { ok: true, changes: this.levels() };
  }

  /** A delta: absolute size per level, size "0" removes the level (removing an absent level is a no-op). */
  applyDelta(bids: readonly BookLevel[], asks: readonly BookLevel[]): BookUpdateResult {
    // Size of each touched price before this delta (undefined = absent), for undo and for the diff.
    const before: Record<BookSideName, Map<DecimalString, DecimalString | undefined>> = { bids: new Map(), asks: new Map() };
    const input: Record<BookSideName, readonly BookLevel[]> = { bids, asks };
    for (const name of SIDES) {
      for (const [price, size] of input[name]) {
        const previous = this.sides[name].set(price, size);
        if (!before[name].has(price)) before[name].set(price, previous);
      }
    }
    const crossed = crossingOf(this.sides);
    if (crossed !== undefined) {
      for (const name of SIDES) {
        for (const [price, size] of before[name]) this.sides[name].set(price, size ?? '0');
      }
      return { ok: false, reason: crossed };
    }
    for (const name of SIDES) {
      // Levels pushed past the depth cap leave the book: clients must drop them too.
      for (const [price, size] of this.sides[name].trim(this.maxDepth)) {
        if (!before[name].has(price)) before[name].set(price, size);
      }
    }
    const changes: BookLevels = { bids: [], asks: [] };
    for (const name of SIDES) {
      const side = this.sides[name];
      for (const [price, previous] of before[name]) {
        const now = side.sizeAt(price) ?? '0';
        if (now !== (previous ?? '0')) changes[name].push([price, now]);
      }
      changes[name].sort(([a], [b]) => side.compare(a, b));
    }
    return { ok: true, changes };
  }
}

/** Why the sides are crossed, or undefined when they are not. */
function crossingOf(sides: Record<BookSideName, BookSide>): string | undefined {
  const bid = sides.bids.best;
  const ask = sides.asks.best;
  if (bid === undefined || ask === undefined || compareDecimals(bid[0], ask[0]) < 0) return undefined;
  return `it would cross the book (best bid ${bid[0]} >= best ask ${ask[0]})`;
}
