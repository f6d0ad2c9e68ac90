import { compareDecimals, type BookLevel, type DecimalString } from '@moonx-farm/events';

export type BookSideName = 'bids' | 'asks';

/**
 * One side of a book: levels sorted best first (bids highest price first, asks lowest first),
 * at most one level per price. Prices compare exactly as decimals: "0.1" and
 * "0.10000000000000000001" are different levels, whatever a double would say.
 */
export class BookSide {
  private levels: BookLevel[] = [];

  constructor(readonly name: BookSideName) {}

  /** Levels best first. The array is the side's own: copy it before keeping it. */
  get all(): readonly BookLevel[] {
    return this.levels;
  }

  get size(): number {
    return this.levels.length;
  }

  get best(): BookLevel | undefined {
    return this.levels[0];
  }

  /** Negative when `a` is a better price than `b` on this side. */
  compare(a: DecimalString, b: DecimalString): number {
    return this.name === 'bids' ? compareDecimals(b, a) : compareDecimals(a, b);
  }

  sizeAt(price: DecimalString): DecimalString | undefined {
    const { found, index } = this.search(price);
    return found ? this.levels[index][1] : undefined;
  }

  /** Sets the absolute size at a price ("0" removes the level); returns the previous size. */
  set(price: DecimalString, size: DecimalString): DecimalString | undefined {
    const { found, index } = this.search(price);
    const previous = found ? this.levels[index][1] : undefined;
    if (size === '0') {
      if (found) this.levels.splice(index, 1);
    } else if (found) {
      this.levels[index] = [price, size];
    } else {
      this.levels.splice(index, 0, [price, size]);
    }
    return previous;
  }

  /** Replaces every level at once (input in any order; a later duplicate price wins; size 0 dropped). */
  replace(levels: readonly BookLevel[]): void {
    const byPrice = new Map<DecimalString, DecimalString>();
    for (const [price, size] of levels) byPrice.set(price, size);
    this.levels = [...byPrice]
      .filter(([, size]) => size !== '0')
      .sort(([a], [b]) => this.compare(a, b)) as BookLevel[];
  }

  /** Drops the worst levels beyond `depth`; returns them. */
  trim(depth: number): BookLevel[] {
    return this.levels.length > depth ? this.levels.splice(depth) : [];
  }

  private search(price: DecimalString): { found: boolean; index: number } {
    let low = 0;
    let high = this.levels.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = this.compare(this.levels[middle][0], price);
      if (order === 0) return { found: true, index: middle };
      if (order < 0) low = middle + 1;
      else high = middle;
    }
    return { found: false, index: low };
  }
}
