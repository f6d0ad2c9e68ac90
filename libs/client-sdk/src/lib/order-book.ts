import { bookChecksum, compareDecimals, type BookLevel, type OrderBookUpdateMessage } from '@moonx-farm/events';

export type BookSide = 'bids' | 'asks';

export type BookApplyResult =
  | { ok: true; /** True when the message carried a checksum and the local book matched it. */ verified: boolean }
  | { ok: false; reason: 'checksum'; expected: number; actual: number };

/**
 * A local order book kept from a snapshot and deltas, with prices and sizes as decimal
 * strings. Bids are kept highest first and asks lowest first, the order the checksum covers.
 * Deltas carry absolute sizes; size 0 deletes the level.
 *
 * @example
 * const book = new LocalOrderBook();
 * book.apply({ kind: 'snapshot', bids: [['99', '1']], asks: [['101', '2']] });
 * book.apply({ kind: 'delta', bids: [['99', '0'], ['98.5', '3']], asks: [] });
 * book.bids; // [['98.5', '3']]
 */
export class LocalOrderBook {
  private levels: Record<BookSide, BookLevel[]> = { bids: [], asks: [] };
  private views: Partial<Record<BookSide, readonly BookLevel[]>> = {};

  /** Bids, best (highest) first. A stable array: it is replaced, not mutated, on change. */
  get bids(): readonly BookLevel[] {
    return this.view('bids');
  }

  /** Asks, best (lowest) first. */
  get asks(): readonly BookLevel[] {
    return this.view('asks');
  }

  /** The checksum of the current top levels, computed as ingest computes it. */
  checksum(): number {
    return bookChecksum(this.levels.bids, this.levels.asks);
  }

  clear(): void {
    this.levels = { bids: [], asks: [] };
    this.views = {};
  }

  /** Applies a snapshot (replaces the book) or a delta, then checks the checksum if there is one. */
  apply(message: Pick<OrderBookUpdateMessage, 'kind' | 'bids' | 'asks' | 'checksum'>): BookApplyResult {
    if (message.kind === 'snapshot') this.clear();
    for (const [price, size] of message.bids) this.setLevel('bids', price, size);
    for (const [price, size] of message.asks) this.setLevel('asks', price, size);
    if (message.checksum === undefined) return { ok: true, verified: false };
    const actual = this.checksum();
    if (actual !== message.checksum) return { ok: false, reason: 'checksum', expected: message.checksum, actual };
    return { ok: true, verified: true };
  }

  private setLevel(side: BookSide, price: string, size: string): void {
    const levels = this.levels[side];
    // Bids descend, asks ascend: flip the comparison for bids so one binary search serves both.
    const direction = side === 'bids' ? -1 : 1;
    let low = 0;
    let high = levels.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareDecimals(levels[middle][0], price) * direction < 0) low = middle + 1;
      else high = middle;
    }
    const exists = low < levels.length && compareDecimals(levels[low][0], price) === 0;
    const remove = compareDecimals(size, '0') <= 0;
    if (remove) {
      if (exists) levels.splice(low, 1);
    } else if (exists) {
      levels[low] = [levels[low][0], size];
    } else {
      levels.splice(low, 0, [price, size]);
    }
    if (remove && !exists) return;
    delete this.views[side];
  }

  private view(side: BookSide): readonly BookLevel[] {
    let view = this.views[side];
    if (!view) {
      view = Object.freeze(this.levels[side].map((level) => Object.freeze([level[0], level[1]]) as BookLevel));
      this.views[side] = view;
    }
    return view;
  }
}
