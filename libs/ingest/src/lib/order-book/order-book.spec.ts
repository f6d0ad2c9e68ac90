import { bookChecksum, crc32, type BookLevel } from '@moonx-farm/events';
import { OrderBook } from './order-book';

const book = (bids: BookLevel[], asks: BookLevel[], depth?: number) => {
  const created = new OrderBook(depth);
  const result = created.replace(bids, asks);
  if (!result.ok) throw new Error(result.reason);
  return created;
};

describe('OrderBook', () => {
  describe('snapshots', () => {
    it('replaces the whole book, sorted best first, dropping size 0 levels', () => {
      const ob = book([['99', '1']], [['101', '1']]);
      const result = ob.replace(
        [['98', '2'], ['100', '1'], ['97', '0'], ['99.5', '3']],
        [['103', '1'], ['101.5', '2'], ['102', '0']],
      );
      expect(result.ok).toBe(true);
      expect(ob.levels()).toEqual({
        bids: [['100', '1'], ['99.5', '3'], ['98', '2']],
        asks: [['101.5', '2'], ['103', '1']],
      });
    });

    it('takes the last of two levels at one price', () => {
      const ob = book([['100', '1'], ['100', '4']], []);
      expect(ob.bids).toEqual([['100', '4']]);
    });

    it('rejects a crossed snapshot and keeps the previous book', () => {
      const ob = book([['99', '1']], [['101', '1']]);
      const result = ob.replace([['100', '1']], [['100', '1']]);
      expect(result).toEqual({ ok: false, reason: 'it would cross the book (best bid 100 >= best ask 100)' });
      expect(ob.levels()).toEqual({ bids: [['99', '1']], asks: [['101', '1']] });
    });

    it('accepts one-sided and empty books', () => {
      expect(book([['1', '1']], []).levels()).toEqual({ bids: [['1', '1']], asks: [] });
      expect(book([], []).levels()).toEqual({ bids: [], asks: [] });
    });
  });

  describe('deltas', () => {
    it('sets absolute sizes, inserts in order and deletes with size 0', () => {
      const ob = book([['100', '1'], ['98', '1']], [['101', '1'], ['103', '1']]);
      const result = ob.applyDelta([['99', '2'], ['100', '5'], ['98', '0']], [['102', '7'], ['101', '0']]);
      expect(ob.levels()).toEqual({ bids: [['100', '5'], ['99', '2']], asks: [['102', '7'], ['103', '1']] });
      expect(result).toEqual({
        ok: true,
        changes: { bids: [['100', '5'], ['99', '2'], ['98', '0']], asks: [['101', '0'], ['102', '7']] },
      });
    });

    it('treats deleting an unknown level and re-setting a same size as no change', () => {
      const ob = book([['100', '1']], [['101', '1']]);
      const result = ob.applyDelta([['50', '0'], ['100', '1']], [['200', '0']]);
      expect(result).toEqual({ ok: true, changes: { bids: [], asks: [] } });
      expect(ob.levels()).toEqual({ bids: [['100', '1']], asks: [['101', '1']] });
    });

    it('applies repeated prices of one delta in order, reporting only the net change', () => {
      const ob = book([['100', '1']], [['101', '1']]);
      const result = ob.applyDelta([['99', '3'], ['99', '0'], ['100', '2'], ['100', '1']], []);
      expect(result).toEqual({ ok: true, changes: { bids: [], asks: [] } });
      expect(ob.bids).toEqual([['100', '1']]);
    });

    it('rejects a delta that would cross, leaving every level as it was', () => {
      const ob = book([['100', '1'], ['99', '2']], [['101', '1'], ['102', '1']]);
      const before = ob.levels();
      const result = ob.applyDelta([['99', '9'], ['102.5', '1'], ['100', '0']], [['101', '0'], ['104', '1']]);
      expect(result).toEqual({ ok: false, reason: 'it would cross the book (best bid 102.5 >= best ask 102)' });
      expect(ob.levels()).toEqual(before);
    });

    it('rejects a delta that makes best bid equal best ask', () => {
      const ob = book([['100', '1']], [['101', '1']]);
      expect(ob.applyDelta([['101', '1']], []).ok).toBe(false);
      expect(ob.applyDelta([], [['100', '1']]).ok).toBe(false);
      expect(ob.levels()).toEqual({ bids: [['100', '1']], asks: [['101', '1']] });
    });

    it('accepts a delta that removes the level it would otherwise cross', () => {
      const ob = book([['100', '1']], [['101', '1']]);
      expect(ob.applyDelta([['101', '2']], [['101', '0'], ['102', '1']]).ok).toBe(true);
      expect(ob.levels()).toEqual({ bids: [['101', '2'], ['100', '1']], asks: [['102', '1']] });
    });
  });

  describe('exact decimal ordering', () => {
    it('keeps prices that a double cannot tell apart as distinct, correctly ordered levels', () => {
      expect(0.1).toBe(Number('0.10000000000000000001'));
      const ob = book([['0.1', '1'], ['0.10000000000000000001', '2'], ['0.09999999999999999999', '3']], [['0.2', '1']]);
      expect(ob.bids.map(([price]) => price)).toEqual(['0.10000000000000000001', '0.1', '0.09999999999999999999']);
      ob.applyDelta([['0.1', '0']], [['0.10000000000000000002', '5']]);
      expect(ob.levels()).toEqual({
        bids: [['0.10000000000000000001', '2'], ['0.09999999999999999999', '3']],
        asks: [['0.10000000000000000002', '5'], ['0.2', '1']],
      });
    });

    it('crosses on exact comparison, not on doubles', () => {
      const ob = book([['0.1', '1']], [['0.10000000000000000001', '1']]);
      expect(ob.applyDelta([['0.10000000000000000001', '1']], []).ok).toBe(false);
      expect(ob.applyDelta([['0.100000000000000000009', '1']], []).ok).toBe(true);
    });

    it('orders prices of different lengths by value', () => {
      const ob = book([], [['10', '1'], ['9.99', '1'], ['100', '1'], ['9.9', '1'], ['1000000000000000000000', '1']]);
      expect(ob.asks.map(([price]) => price)).toEqual(['9.9', '9.99', '10', '100', '1000000000000000000000']);
    });
  });

  describe('depth cap', () => {
    it('keeps the best levels of a snapshot', () => {
      const ob = book([['1', '1'], ['3', '1'], ['2', '1']], [['7', '1'], ['5', '1'], ['6', '1']], 2);
      expect(ob.levels()).toEqual({ bids: [['3', '1'], ['2', '1']], asks: [['5', '1'], ['6', '1']] });
    });

    it('evicts the worst level when a better one arrives, and reports the eviction', () => {
      const ob = book([['3', '1'], ['2', '1']], [['5', '1']], 2);
      const result = ob.applyDelta([['4', '1']], []);
      expect(ob.bids).toEqual([['4', '1'], ['3', '1']]);
      expect(result).toEqual({ ok: true, changes: { bids: [['4', '1'], ['2', '0']], asks: [] } });
    });

    it('ignores a level beyond the cap', () => {
      const ob = book([['3', '1'], ['2', '1']], [], 2);
      expect(ob.applyDelta([['1', '9']], [])).toEqual({ ok: true, changes: { bids: [], asks: [] } });
      expect(ob.bids).toEqual([['3', '1'], ['2', '1']]);
    });

    it('refuses a cap below one level', () => {
      expect(() => new OrderBook(0)).toThrow(/positive integer/);
    });
  });

  describe('checksum', () => {
    it('is bookChecksum of the top 10 levels, best first on each side', () => {
      const bids: BookLevel[] = Array.from({ length: 12 }, (_, i) => [String(100 - i), `0.${i + 1}`]);
      const asks: BookLevel[] = Array.from({ length: 12 }, (_, i) => [String(101 + i), '2']);
      const ob = book([...bids].reverse(), [...asks].reverse());
      expect(ob.checksum()).toBe(bookChecksum(bids.slice(0, 10), asks.slice(0, 10)));
      const text = asks.slice(0, 10).map(([p]) => `${p}2`).join('') + bids.slice(0, 10).map(([p, s]) => p + s.replace('0.', '')).join('');
      expect(ob.checksum()).toBe(crc32(text));
    });

    it('changes with a top-10 level and not with a deeper one', () => {
      const bids: BookLevel[] = Array.from({ length: 12 }, (_, i) => [String(100 - i), '1']);
      const ob = book(bids, [['200', '1']]);
      const before = ob.checksum();
      ob.applyDelta([['89', '5']], []);
      expect(ob.checksum()).toBe(before);
      ob.applyDelta([['91', '5']], []);
      expect(ob.checksum()).not.toBe(before);
    });
  });
});
