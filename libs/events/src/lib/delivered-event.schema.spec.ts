import { DELIVERED_MESSAGE_SCHEMAS, orderBookUpdateMessageSchema, priceUpdateMessageSchema, tradeNotificationMessageSchema } from './delivered-event.schema';
import { DEXEventType } from './event-types';
import { producerEventSchema } from './producer-event.schema';

const meta = { room: 'price:BTC-USDC', seq: 1, timestamp: 1700000000000, id: 'price.updates:0:1' };

describe('delivered message schemas', () => {
  it('accept a message built from a normalised producer event', () => {
    const event = producerEventSchema.parse({
      type: DEXEventType.PRICE_UPDATE,
      symbol: 'btc-usdc',
      data: { price: 45000.5, change: -0, volume: 1234567.89 },
      timestamp: meta.timestamp,
    });
    if (event.type !== DEXEventType.PRICE_UPDATE) throw new Error('unexpected type');
    const message = { ...meta, symbol: event.symbol, ...event.data };
    expect(DELIVERED_MESSAGE_SCHEMAS[DEXEventType.PRICE_UPDATE].parse(message)).toEqual({
      ...meta,
      symbol: 'BTC-USDC',
      price: '45000.5',
      change: '0',
      volume: '1234567.89',
    });
  });

  it.each<[string, unknown]>([
    ['a number price (clients receive strings)', 45000.5],
    ['a non-canonical price', '45000.50'],
    ['negative zero', '-0'],
    ['an exponent', '4.5e4'],
  ])('reject %s', (_label, price) => {
    expect(priceUpdateMessageSchema.safeParse({ ...meta, symbol: 'BTC-USDC', price }).success).toBe(false);
  });

  it('require a positive integer seq', () => {
    for (const seq of [0, -1, 1.5, '1']) {
      expect(priceUpdateMessageSchema.safeParse({ ...meta, seq, symbol: 'BTC-USDC', price: '1' }).success).toBe(false);
    }
  });

  it('order book levels are pairs of canonical strings; checksum is optional', () => {
    const book = { ...meta, symbol: 'ETH-USDC', kind: 'delta', bids: [['2500', '0']], asks: [] };
    expect(orderBookUpdateMessageSchema.safeParse(book).success).toBe(true);
    expect(orderBookUpdateMessageSchema.safeParse({ ...book, checksum: 3735928559 }).success).toBe(true);
    expect(orderBookUpdateMessageSchema.safeParse({ ...book, checksum: -1 }).success).toBe(false);
    expect(orderBookUpdateMessageSchema.safeParse({ ...book, bids: [[2500, 0]] }).success).toBe(false);
  });

  it('trade notifications must say whether they are personal', () => {
    const trade = { ...meta, symbol: 'ETH-USDC', price: '2500', amount: '1.5', side: 'buy' };
    expect(tradeNotificationMessageSchema.safeParse(trade).success).toBe(false);
    expect(tradeNotificationMessageSchema.safeParse({ ...trade, personal: true }).success).toBe(true);
  });
});
