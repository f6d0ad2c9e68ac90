import { bookChecksum, crc32 } from './book-checksum';

describe('book checksum', () => {
  it('is zlib CRC-32', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  it('concatenates asks then bids without decimal points or leading zeros', () => {
    const asks: [string, string][] = [['0.05005', '0.000005'], ['0.05006', '12']];
    const bids: [string, string][] = [['0.05001', '1'], ['0.05', '2.5']];
    expect(bookChecksum(bids, asks)).toBe(crc32('5005' + '5' + '5006' + '12' + '5001' + '1' + '5' + '25'));
  });

  it('covers only the top levels of each side', () => {
    const level = (price: number): [string, string] => [String(price), '1'];
    const asks = Array.from({ length: 15 }, (_, i) => level(101 + i));
    const bids = Array.from({ length: 15 }, (_, i) => level(100 - i));
    const deeper = [...asks.slice(0, 10), ['999', '7'] as [string, string]];
    expect(bookChecksum(bids, deeper)).toBe(bookChecksum(bids, asks));
    expect(bookChecksum(bids, asks, 2)).toBe(crc32('1011' + '1021' + '1001' + '991'));
    expect(bookChecksum(bids.slice(1), asks)).not.toBe(bookChecksum(bids, asks));
  });
});
