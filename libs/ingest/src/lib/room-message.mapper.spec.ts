import { DEXEventType, producerEventSchema, type NormalisedEventOf } from '@moonx-farm/events';
import { orderBookDeliveryOf, roomDeliveriesOf, type StatelessEvent } from './room-message.mapper';

// The expected messages are written out by hand: what clients receive, field for field and in
// this order, whatever way the mapper builds them.
const base = { timestamp: 1795713984699, source: 'spec' };
const stateless = (input: Record<string, unknown>) => producerEventSchema.parse({ ...base, ...input }) as StatelessEvent;

describe('room messages', () => {
  it('puts a price update in its price room, as message and snapshot', () => {
    const event = stateless({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', data: { price: '45000.1', change: '12.5' } });
    expect(roomDeliveriesOf(event, 'e-1')).toEqual([
      {
        room: 'price:BTC-USDC',
        type: DEXEventType.PRICE_UPDATE,
        messageTail: '"room":"price:BTC-USDC","id":"e-1","timestamp":1795713984699,"symbol":"BTC-USDC","price":"45000.1","change":"12.5"}',
        snapshotTail: '"room":"price:BTC-USDC","id":"e-1","timestamp":1795713984699,"symbol":"BTC-USDC","price":"45000.1","change":"12.5"}',
      },
    ]);
  });

  it('sends a fill to its user alone, marked personal, and a public trade to the trade room', () => {
    const data = { price: '45000.1', amount: '0.015', side: 'buy', tradeId: 't-1' };
    const fill = stateless({ type: DEXEventType.TRADE_NOTIFICATION, symbol: 'BTC-USDC', userId: 'user-7', data });
    const trade = stateless({ type: DEXEventType.TRADE_NOTIFICATION, symbol: 'BTC-USDC', data });
    expect(roomDeliveriesOf(fill, 'e-2')).toEqual([
      {
        room: 'user:user-7',
        type: DEXEventType.TRADE_NOTIFICATION,
        messageTail: '"room":"user:user-7","id":"e-2","timestamp":1795713984699,"symbol":"BTC-USDC","price":"45000.1","amount":"0.015","side":"buy","tradeId":"t-1","personal":true}',
      },
    ]);
    expect(roomDeliveriesOf(trade, 'e-3')[0].messageTail).toBe(
      '"room":"trade:BTC-USDC","id":"e-3","timestamp":1795713984699,"symbol":"BTC-USDC","price":"45000.1","amount":"0.015","side":"buy","tradeId":"t-1","personal":false}',
    );
  });

  it('puts a portfolio update in its user portfolio room and an alert in the system room', () => {
    const portfolio = stateless({ type: DEXEventType.PORTFOLIO_UPDATE, userId: 'user-7', data: { totalValue: '10.5' } });
    const [delivery] = roomDeliveriesOf(portfolio, 'e-4');
    expect(delivery.room).toBe('portfolio:user-7');
    expect(delivery.messageTail.startsWith('"room":"portfolio:user-7","id":"e-4","timestamp":1795713984699,"userId":"user-7",')).toBe(true);
    expect(JSON.parse(`{${delivery.messageTail}`)).toEqual({ room: 'portfolio:user-7', id: 'e-4', timestamp: 1795713984699, userId: 'user-7', ...portfolio.data });

    const alert = stateless({ type: DEXEventType.SYSTEM_ALERT, data: { level: 'warning', message: 'maintenance at 02:00' } });
    const [system] = roomDeliveriesOf(alert, 'e-5');
    expect(system.room).toBe('system:alerts');
    expect(JSON.parse(`{${system.messageTail}`)).toEqual({ room: 'system:alerts', id: 'e-5', timestamp: 1795713984699, ...alert.data });
    expect(Object.keys(JSON.parse(`{${system.messageTail}`)).slice(0, 3)).toEqual(['room', 'id', 'timestamp']);
  });

  it('sends an order book delta as the message and the full book as the snapshot at the same seq', () => {
    const event = producerEventSchema.parse({
      ...base,
      type: DEXEventType.ORDER_BOOK_UPDATE,
      symbol: 'ETH-USDC',
      data: { kind: 'delta', bids: [['3000.5', '2']], asks: [] },
    }) as NormalisedEventOf<DEXEventType.ORDER_BOOK_UPDATE>;
    const full = { kind: 'snapshot' as const, bids: [['3000.5', '2'] as [string, string]], asks: [['3001', '1'] as [string, string]], checksum: 42 };
    const delta = { kind: 'delta' as const, bids: [['3000.5', '2'] as [string, string]], asks: [], checksum: 42 };
    const delivery = orderBookDeliveryOf(event, 'e-6', { outcome: 'accepted', live: delta, snapshot: full, seq: 6 });
    const head = '"room":"orderbook:ETH-USDC","id":"e-6","timestamp":1795713984699,"symbol":"ETH-USDC"';
    expect(delivery).toEqual({
      room: 'orderbook:ETH-USDC',
      type: DEXEventType.ORDER_BOOK_UPDATE,
      messageTail: `${head},"kind":"delta","bids":[["3000.5","2"]],"asks":[],"checksum":42}`,
      snapshotTail: `${head},"kind":"snapshot","bids":[["3000.5","2"]],"asks":[["3001","1"]],"checksum":42}`,
    });
    // A snapshot event: one message, which is also the snapshot.
    const whole = orderBookDeliveryOf(event, 'e-7', { outcome: 'accepted', live: full, snapshot: full, seq: 7 });
    expect(whole.messageTail).toBe(whole.snapshotTail);
  });
});
