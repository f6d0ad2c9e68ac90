import { DEXEventType } from './event-types';
import { MAX_BOOK_LEVELS, MAX_POSITIONS, orderBookUpdateEventSchema, producerEventSchema } from './producer-event.schema';

const NOW = 1641234567890;

// The producer examples of the original README, as backend services send them today.
const readmePrice = {
  type: DEXEventType.PRICE_UPDATE,
  symbol: 'BTC-USDC',
  data: { price: 45000.5, change: +2.5, volume: 1234567.89 },
  timestamp: NOW,
};
const readmeTrade = {
  type: DEXEventType.TRADE_NOTIFICATION,
  symbol: 'ETH-USDC',
  userId: 'user-123',
  data: { price: 2500.0, amount: 1.5, side: 'buy' },
  timestamp: NOW,
};
const readmePortfolio = {
  type: DEXEventType.PORTFOLIO_UPDATE,
  userId: 'user-123',
  data: {
    totalValue: 50000.0,
    pnl: +1250.5,
    positions: [
      { symbol: 'BTC-USDC', amount: 1.2, value: 30000 },
      { symbol: 'ETH-USDC', amount: 8.0, value: 20000 },
    ],
  },
  timestamp: NOW,
};
const readmeAlert = {
  type: DEXEventType.SYSTEM_ALERT,
  data: { level: 'info', message: 'New token PEPE now available for trading' },
  timestamp: NOW,
};
const readmeBook = {
  type: DEXEventType.ORDER_BOOK_UPDATE,
  symbol: 'ETH-USDC',
  data: {
    bids: [
      [2500.0, 1.5],
      [2499.5, 2.0],
    ],
    asks: [
      [2501.0, 1.2],
      [2501.5, 0.8],
    ],
  },
  timestamp: NOW,
};

function parse(input: unknown) {
  const result = producerEventSchema.safeParse(input);
  if (!result.success) throw new Error(`expected a valid event: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

/** A deep copy with one change applied, so each bad case differs from a good event in one way. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are mutated into invalid shapes on purpose
function variant<T>(base: T, change: (copy: any) => void): unknown {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('producerEventSchema accepts the original README examples', () => {
  it('price update with numbers: decimals become canonical strings', () => {
    expect(parse(readmePrice)).toEqual({
      type: 'price_update',
      symbol: 'BTC-USDC',
      data: { price: '45000.5', change: '2.5', volume: '1234567.89' },
      timestamp: NOW,
    });
  });

  it('trade notification with a userId', () => {
    expect(parse(readmeTrade)).toEqual({
      type: 'trade_notification',
      symbol: 'ETH-USDC',
      userId: 'user-123',
      data: { price: '2500', amount: '1.5', side: 'buy' },
      timestamp: NOW,
    });
  });

  it('portfolio update with positions', () => {
    expect(parse(readmePortfolio)).toEqual({
      type: 'portfolio_update',
      userId: 'user-123',
      data: {
        totalValue: '50000',
        pnl: '1250.5',
        positions: [
          { symbol: 'BTC-USDC', amount: '1.2', value: '30000' },
          { symbol: 'ETH-USDC', amount: '8', value: '20000' },
        ],
      },
      timestamp: NOW,
    });
  });

  it('system alert', () => {
    expect(parse(readmeAlert)).toEqual(readmeAlert);
  });

  it('order book update: levels as decimal strings, kind defaults to snapshot', () => {
    expect(parse(readmeBook)).toMatchObject({
      data: {
        kind: 'snapshot',
        bids: [
          ['2500', '1.5'],
          ['2499.5', '2'],
        ],
        asks: [
          ['2501', '1.2'],
          ['2501.5', '0.8'],
        ],
      },
    });
  });
});

describe('producerEventSchema normalises', () => {
  it('symbols to upper case, in events and positions', () => {
    expect(parse({ ...readmePrice, symbol: ' btc-usdc ' })).toMatchObject({ symbol: 'BTC-USDC' });
    expect(parse({ ...readmeTrade, symbol: 'eth-usdc' })).toMatchObject({ symbol: 'ETH-USDC' });
    const portfolio = parse(variant(readmePortfolio, (e) => (e.data.positions[0].symbol = 'btc-usdc')));
    expect(portfolio.data).toMatchObject({ positions: [{ symbol: 'BTC-USDC' }, { symbol: 'ETH-USDC' }] });
  });

  it('decimal strings exactly, beyond what a double can hold', () => {
    const trade = parse(
      variant(readmeTrade, (e) => {
        e.data.amount = '1.000000000000000001';
        e.data.price = '2.5e3';
        e.data.fee = '0.000000000000000000';
      }),
    );
    expect(trade.data).toMatchObject({ amount: '1.000000000000000001', price: '2500', fee: '0' });
  });

  it('drops unknown fields at every level', () => {
    const event = parse({
      ...readmePrice,
      extra: 'x',
      data: { ...readmePrice.data, bogus: 1 },
      metadata: { source: 'pricer', secret: 'y' },
    });
    expect(event).not.toHaveProperty('extra');
    expect(event.data).not.toHaveProperty('bogus');
    expect(event.metadata).toEqual({ source: 'pricer' });
  });

  it('keeps optional id and metadata, and accepts a delta with a zero size (delete)', () => {
    const book = parse({
      ...readmeBook,
      id: 'evt-1',
      metadata: { priority: 'high' },
      data: { kind: 'delta', bids: [['2500', 0]], asks: [] },
    });
    expect(book).toMatchObject({ id: 'evt-1', metadata: { priority: 'high' }, data: { bids: [['2500', '0']] } });
  });

  it('accepts a public trade (no userId) and negative change / pnl', () => {
    expect(parse(variant(readmeTrade, (e) => delete e.userId))).not.toHaveProperty('userId');
    expect(parse({ ...readmePrice, data: { price: 1, change: -2.5 } }).data).toMatchObject({ change: '-2.5' });
    expect(parse(variant(readmePortfolio, (e) => (e.data.pnl = -10))).data).toMatchObject({ pnl: '-10' });
  });

  it('defaults positions to an empty list', () => {
    const event = parse({ ...readmePortfolio, data: { totalValue: 0 } });
    expect(event.data).toEqual({ totalValue: '0', positions: [] });
  });
});

describe('producerEventSchema rejects bad events', () => {
  const levels = (n: number) => Array.from({ length: n }, (_, i) => [1000 + i, 1]);

  it.each<[string, unknown, string]>([
    ['missing timestamp', variant(readmePrice, (e) => delete e.timestamp), 'timestamp'],
    ['timestamp as a string', { ...readmePrice, timestamp: '1641234567890' }, 'timestamp'],
    ['fractional timestamp', { ...readmePrice, timestamp: 1.5 }, 'timestamp'],
    ['zero timestamp', { ...readmePrice, timestamp: 0 }, 'timestamp'],
    ['negative price', variant(readmePrice, (e) => (e.data.price = -1)), 'data.price'],
    ['zero price', variant(readmePrice, (e) => (e.data.price = '0')), 'data.price'],
    ['price as words', variant(readmePrice, (e) => (e.data.price = 'cheap')), 'data.price'],
    ['price as NaN', variant(readmePrice, (e) => (e.data.price = Number.NaN)), 'data.price'],
    ['price as a boolean', variant(readmePrice, (e) => (e.data.price = true)), 'data.price'],
    ['negative volume', variant(readmePrice, (e) => (e.data.volume = '-1')), 'data.volume'],
    ['missing price', variant(readmePrice, (e) => delete e.data.price), 'data.price'],
    ['lower-case symbol with bad characters', { ...readmePrice, symbol: 'btc/usdc' }, 'symbol'],
    ['symbol as a number', { ...readmePrice, symbol: 42 }, 'symbol'],
    ['missing symbol', variant(readmePrice, (e) => delete e.symbol), 'symbol'],
    ['data not an object', { ...readmePrice, data: 'price=1' }, 'data'],
    ['zero amount', variant(readmeTrade, (e) => (e.data.amount = 0)), 'data.amount'],
    ['negative amount', variant(readmeTrade, (e) => (e.data.amount = '-1.5')), 'data.amount'],
    ['bad side', variant(readmeTrade, (e) => (e.data.side = 'long')), 'data.side'],
    ['upper-case side', variant(readmeTrade, (e) => (e.data.side = 'BUY')), 'data.side'],
    ['bad user id', { ...readmeTrade, userId: 'a b' }, 'userId'],
    ['user id as a number', { ...readmeTrade, userId: 123 }, 'userId'],
    ['negative fee', variant(readmeTrade, (e) => (e.data.fee = -0.1)), 'data.fee'],
    ['portfolio without userId', variant(readmePortfolio, (e) => delete e.userId), 'userId'],
    ['positions not an array', variant(readmePortfolio, (e) => (e.data.positions = {})), 'data.positions'],
    ['position without value', variant(readmePortfolio, (e) => delete e.data.positions[0].value), 'data.positions.0.value'],
    ['too many positions', variant(readmePortfolio, (e) => (e.data.positions = Array(MAX_POSITIONS + 1).fill(e.data.positions[0]))), 'data.positions'],
    ['too many bid levels', variant(readmeBook, (e) => (e.data.bids = levels(MAX_BOOK_LEVELS + 1))), 'data.bids'],
    ['too many ask levels', variant(readmeBook, (e) => (e.data.asks = levels(MAX_BOOK_LEVELS + 1))), 'data.asks'],
    ['book level with three items', variant(readmeBook, (e) => e.data.bids[0].push(1)), 'data.bids.0'],
    ['book level with a zero price', variant(readmeBook, (e) => (e.data.asks[0] = [0, 1])), 'data.asks.0.0'],
    ['book level with a negative size', variant(readmeBook, (e) => (e.data.asks[0] = [1, -1])), 'data.asks.0.1'],
    ['unknown book kind', variant(readmeBook, (e) => (e.data.kind = 'full')), 'data.kind'],
    ['unknown alert level', variant(readmeAlert, (e) => (e.data.level = 'panic')), 'data.level'],
    ['empty alert message', variant(readmeAlert, (e) => (e.data.message = '')), 'data.message'],
    ['alert message too long', variant(readmeAlert, (e) => (e.data.message = 'x'.repeat(2001))), 'data.message'],
    ['bad metadata priority', { ...readmeAlert, metadata: { priority: 'urgent' } }, 'metadata.priority'],
    ['bad event id', { ...readmeAlert, id: 'has space' }, 'id'],
    ['unknown type', { ...readmePrice, type: 'price_updates' }, 'type'],
    ['missing type', variant(readmePrice, (e) => delete e.type), 'type'],
  ])('%s', (_label, input, path) => {
    const result = producerEventSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it.each([null, undefined, 'price_update', 42, [], [readmePrice]])('rejects a non-object: %p', (input) => {
    expect(producerEventSchema.safeParse(input).success).toBe(false);
  });

  it('accepts exactly MAX_BOOK_LEVELS levels per side', () => {
    const input = { ...readmeBook, data: { bids: levels(MAX_BOOK_LEVELS), asks: [] } };
    expect(orderBookUpdateEventSchema.safeParse(input).success).toBe(true);
  });
});
