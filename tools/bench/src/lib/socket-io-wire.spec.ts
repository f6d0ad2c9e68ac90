import { readBatchHeads, readDeliveryHead } from './socket-io-wire';

describe('reading delivery heads without parsing', () => {
  const price = (seq: number, sentUs: number) => `{"seq":${seq},"room":"price:BTC-USDC","id":"bench-r1-${seq}-${sentUs}","timestamp":1,"symbol":"BTC-USDC","price":"1"}`;
  const book = (seq: number) => `{"seq":${seq},"room":"orderbook:BTC-USDC","id":"bench-r1-9-77","symbol":"BTC-USDC","kind":"delta","bids":[["1","2"]],"asks":[["3","4"]],"checksum":5}`;

  it('reads a plain event frame', () => {
    expect(readDeliveryHead(Buffer.from(`42["price_update",${price(7, 123456)}]`))).toEqual({ event: 'price_update', room: 'price:BTC-USDC', seq: 7, sentUs: 123456 });
  });

  it('reads the send time of a plain frame as of a batched one: NaN for an id that holds none', () => {
    expect(readDeliveryHead(Buffer.from(`42["trade_update",{"seq":5,"room":"trade:ETH-USDC","id":"bench-r1-5-12x4","timestamp":1}]`))?.sentUs).toBeNaN();
    expect(readDeliveryHead(Buffer.from(`42["trade_update",{"seq":3,"room":"trade:ETH-USDC","id":"evt-42","timestamp":1}]`))?.sentUs).toBeNaN();
  });

  it('reads every update of a batched frame, book levels included, in order', () => {
    const frame = Buffer.from(`42["batch",[["price_update",${price(1, 10)}],["order_book_update",${book(4)}],["price_update",${price(2, 20)}]]]`);
    expect(readBatchHeads(frame)).toEqual([
      { event: 'price_update', room: 'price:BTC-USDC', seq: 1, sentUs: 10 },
      { event: 'order_book_update', room: 'orderbook:BTC-USDC', seq: 4, sentUs: 77 },
      { event: 'price_update', room: 'price:BTC-USDC', seq: 2, sentUs: 20 },
    ]);
  });

  it('reads updates of different events and rooms in one frame, and NaN for an id that holds no send time', () => {
    const other = `{"seq":3,"room":"trade:ETH-USDC","id":"evt-42","timestamp":1}`;
    const badTail = `{"seq":5,"room":"trade:ETH-USDC","id":"bench-r1-5-12x4","timestamp":1}`;
    const frame = Buffer.from(`42["batch",[["price_update",${price(1, 10)}],["trade_update",${other}],["trade_update",${badTail}],["price_update",${price(2, 987654321012345)}]]]`);
    expect(readBatchHeads(frame)).toEqual([
      { event: 'price_update', room: 'price:BTC-USDC', seq: 1, sentUs: 10 },
      { event: 'trade_update', room: 'trade:ETH-USDC', seq: 3, sentUs: NaN },
      { event: 'trade_update', room: 'trade:ETH-USDC', seq: 5, sentUs: NaN },
      { event: 'price_update', room: 'price:BTC-USDC', seq: 2, sentUs: 987654321012345 },
    ]);
  });

  it('skips a seq mark inside a payload string: only `",{"seq":` opens an update', () => {
    const tricky = `{"seq":6,"room":"price:BTC-USDC","id":"bench-r1-6-60","note":"a{\\"seq\\":9","x":[{"seq":8}]}`;
    const frame = Buffer.from(`42["batch",[["price_update",${tricky}],["price_update",${price(7, 70)}]]]`);
    expect(readBatchHeads(frame)).toEqual([
      { event: 'price_update', room: 'price:BTC-USDC', seq: 6, sentUs: 60 },
      { event: 'price_update', room: 'price:BTC-USDC', seq: 7, sentUs: 70 },
    ]);
  });

  it('leaves plain frames to readDeliveryHead', () => {
    expect(readBatchHeads(Buffer.from(`42["price_update",${price(1, 10)}]`))).toBeUndefined();
  });
});
