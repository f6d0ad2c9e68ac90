import type { DecimalString } from './decimal';

/** One price level: price and absolute size, both canonical decimal strings. */
export type BookLevel = [price: DecimalString, size: DecimalString];

/** Levels per side that the checksum covers. */
export const BOOK_CHECKSUM_DEPTH = 10;

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib) of an ASCII string, unsigned. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC32_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function levelText([price, size]: BookLevel): string {
  const strip = (value: string) => value.replace('.', '').replace(/^0+/, '');
  return strip(price) + strip(size);
}

/**
 * The book checksum, computed like Kraken's: the top 10 asks (lowest first) then the top 10
 * bids (highest first); for each level the price and the size with the decimal point and
 * leading zeros removed, all concatenated; CRC-32 of that string. Levels must be sorted best
 * first, as ingest publishes them and the SDK keeps them.
 *
 * @example
 * bookChecksum([['0.05005', '0.00000500']], [['0.05001', '1']]) === crc32('500550000500' + '50011');
 */
export function bookChecksum(bids: readonly BookLevel[], asks: readonly BookLevel[], depth = BOOK_CHECKSUM_DEPTH): number {
  let text = '';
  for (const level of asks.slice(0, depth)) text += levelText(level);
  for (const level of bids.slice(0, depth)) text += levelText(level);
  return crc32(text);
}
