import { readBatchHeads, readDeliveryHead } from './socket-io-wire';

describe('reading delivery heads without parsing', () => {
  const price = (seq: number, sentUs: number) => `{"seq":${seq},"room":"price:BTC-USDC","id":"bench-r1-${seq}-${sentUs}","timestamp":1,"symbol":"BTC-USDC","price":"1"}`;
  const book = (seq: number) => `{"seq":${seq},"room":"orderbook:BTC-USDC","id":"bench-r1-9-77","symbol":"BTC-USDC","kind":"delta","bids":[["1","2"]],"asks":[["3","4"]],"checksum":5}`;

  it('reads a plain event frame', () => {
    expect(readDeliveryHead(Buffer.from(`42["price_update",${price(7, 123456)}]`))).toEqual({ event: 'price_update', room: 'price:BTC-USDC', seq: 7, sentUs: 123456 });
  });

  it('reads every update of a batched frame, book levels included, in order', () => {
    const frame = Buffer.from(`42["batch",[["price_update",${price(1, 10)}],["order_book_update",${book(4)}],["price_update",${price(2, 20)}]]]`);
    expect(readBatchHeads(frame)).toEqual([
      { event: 'price_update', room: 'price:BTC-USDC', seq: 1, sentUs: 10 },
      { event: 'order_book_update', room: 'orderbook:BTC-USDC', seq: 4, sentUs: 77 },
      { event: 'price_update', room: 'price:BTC-USDC', seq: 2, sentUs: 20 },
    ]);
  });

  it('leaves plain frames to readDeliveryHead', () => {
    expect(readBatchHeads(Buffer.from(`42["price_update",${price(1, 10)}]`))).toBeUndefined();
  });
});
