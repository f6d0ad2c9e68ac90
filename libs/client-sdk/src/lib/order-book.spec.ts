import { bookChecksum, type BookLevel } from '@moonx-farm/events';
import { LocalOrderBook } from './order-book';

describe('LocalOrderBook', () => {
  it('keeps bids highest first and asks lowest first, comparing decimals exactly', () => {
    const book = new LocalOrderBook();
    book.apply({ kind: 'snapshot', bids: [['9.5', '1'], ['10', '2'], ['9.75', '3']], asks: [['100.01', '1'], ['11', '1'], ['100.001', '4']] });
    expect(book.bids.map(([price]) => price)).toEqual(['10', '9.75', '9.5']);
    expect(book.asks.map(([price]) => price)).toEqual(['11', '100.001', '100.01']);
  });

  it('applies deltas with absolute sizes: insert, replace, and size 0 deletes', () => {
    const book = new LocalOrderBook();
    book.apply({ kind: 'snapshot', bids: [['99', '1'], ['98', '2']], asks: [['101', '1'], ['102', '2']] });
    book.apply({ kind: 'delta', bids: [['99', '0'], ['98', '5'], ['98.5', '3'], ['97', '0']], asks: [['100.5', '7'], ['102', '0']] });
    expect(book.bids).toEqual([['98.5', '3'], ['98', '5']]);
    expect(book.asks).toEqual([['100.5', '7'], ['101', '1']]);
  });

  it('a snapshot message replaces the whole book', () => {
    const book = new LocalOrderBook();
    book.apply({ kind: 'snapshot', bids: [['99', '1']], asks: [['101', '1']] });
    book.apply({ kind: 'snapshot', bids: [['50', '1']], asks: [] });
    expect(book.bids).toEqual([['50', '1']]);
    expect(book.asks).toEqual([]);
  });

  it('verifies the checksum of the book after each message and reports a mismatch', () => {
    const book = new LocalOrderBook();
    const bids: BookLevel[] = [['99', '1'], ['98', '2']];
    const asks: BookLevel[] = [['101', '1']];
    expect(book.apply({ kind: 'snapshot', bids, asks, checksum: bookChecksum(bids, asks) })).toEqual({ ok: true, verified: true });
    const after = bookChecksum([['98', '2']], [['100', '4'], ['101', '1']]);
    expect(book.apply({ kind: 'delta', bids: [['99', '0']], asks: [['100', '4']], checksum: after })).toEqual({ ok: true, verified: true });
    expect(book.apply({ kind: 'delta', bids: [['98', '3']], asks: [] })).toEqual({ ok: true, verified: false });
    const wrong = book.apply({ kind: 'delta', bids: [['97', '1']], asks: [], checksum: after });
    expect(wrong).toEqual({ ok: false, reason: 'checksum', expected: after, actual: book.checksum() });
  });

  it('checksums only the top 10 levels, as ingest does', () => {
    const book = new LocalOrderBook();
    const bids: BookLevel[] = Array.from({ length: 15 }, (_, i) => [String(100 - i), '1']);
    book.apply({ kind: 'snapshot', bids, asks: [] });
    const top = book.checksum();
    book.apply({ kind: 'delta', bids: [['86', '9']], asks: [] });
    expect(book.checksum()).toBe(top);
    book.apply({ kind: 'delta', bids: [['95', '9']], asks: [] });
    expect(book.checksum()).not.toBe(top);
  });

  it('hands out stable, frozen views that later changes do not mutate', () => {
    const book = new LocalOrderBook();
    book.apply({ kind: 'snapshot', bids: [['99', '1']], asks: [] });
    const before = book.bids;
    expect(book.bids).toBe(before);
    book.apply({ kind: 'delta', bids: [['99', '2']], asks: [] });
    expect(before).toEqual([['99', '1']]);
    expect(book.bids).toEqual([['99', '2']]);
    expect(Object.isFrozen(book.bids)).toBe(true);
  });
});
