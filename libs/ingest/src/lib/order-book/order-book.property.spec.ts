import { bookChecksum, toDecimalString, type BookLevel, type OrderBookUpdateMessage } from '@moonx-farm/events';
import { InMemoryEventLog, InMemoryPubSubHub, InMemoryRoomStore } from '@moonx-farm/server-core';
import {
  createBookPipeline,
  deltaEvent,
  messageOfEnvelope,
  sendBookEvents,
  snapshotEvent,
  storedBook,
  type BookInput,
} from './book-pipeline.test-kit';

/*
 * Property: a client that starts from a snapshot message and applies every delivered message
 * (written here from the protocol alone, sharing no code with ingest) holds exactly ingest's
 * book after every message, and every message's checksum is `bookChecksum` of that book.
 * The expected book itself comes from a reference model of the producer events (replace,
 * set/delete, reject if crossed, keep the best levels), so ingest is checked, not echoed.
 */

const DEPTH = 12;

/** mulberry32: small, seeded, good enough to drive random sequences reproducibly. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)) };
}
type Rng = ReturnType<typeof prng>;

// ---- the client side: only what a client has (messages), exact decimals via BigInt ----

type Side = Map<string, string>;
interface ClientBook {
  bids: Side;
  asks: Side;
}

const unitsCache = new Map<string, bigint>();
const units = (price: string) => {
  let value = unitsCache.get(price);
  if (value === undefined) {
    const [whole, fraction = ''] = price.split('.');
    value = BigInt(whole + fraction.padEnd(40, '0'));
    unitsCache.set(price, value);
  }
  return value;
};
const byPrice = (order: 1 | -1) => ([a]: BookLevel, [b]: BookLevel) => {
  const difference = units(a) - units(b);
  return difference === 0n ? 0 : (difference > 0n ? 1 : -1) * order;
};
const sortedBids = (side: Side): BookLevel[] => [...side].sort(byPrice(-1));
const sortedAsks = (side: Side): BookLevel[] => [...side].sort(byPrice(1));
const levelsOf = (book: ClientBook) => ({ bids: sortedBids(book.bids), asks: sortedAsks(book.asks) });

function clientApply(book: ClientBook | undefined, message: OrderBookUpdateMessage): ClientBook {
  if (message.kind === 'snapshot') return { bids: new Map(message.bids), asks: new Map(message.asks) };
  if (book === undefined) throw new Error(`delta seq ${message.seq} before any snapshot`);
  for (const [name, levels] of [['bids', message.bids], ['asks', message.asks]] as const) {
    for (const [price, size] of levels) {
      // A delta carries only changed levels: never a size the client already has.
      if ((book[name].get(price) ?? '0') === size) throw new Error(`delta seq ${message.seq} repeats ${name} ${price} ${size}`);
      if (size === '0') book[name].delete(price);
      else book[name].set(price, size);
    }
  }
  return book;
}

/** toEqual, with a cheap path first: tens of thousands of checks must not cost seconds. */
function same(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual).toEqual(expected);
}

// ---- the reference model of producer events ----

function modelApply(book: ClientBook | undefined, event: BookInput): ClientBook | 'rejected' {
  const canonical = (value: string | number) => {
    const parsed = toDecimalString(value);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  };
  if (event.data.kind === 'delta' && book === undefined) return 'rejected';
  const next: ClientBook = event.data.kind === 'snapshot' || book === undefined
    ? { bids: new Map(), asks: new Map() }
    : { bids: new Map(book.bids), asks: new Map(book.asks) };
  for (const [name, levels] of [['bids', event.data.bids], ['asks', event.data.asks]] as const) {
    for (const [price, size] of levels) {
      if (canonical(size) === '0') next[name].delete(canonical(price));
      else next[name].set(canonical(price), canonical(size));
    }
  }
  const { bids, asks } = levelsOf(next);
  if (bids.length > 0 && asks.length > 0 && units(bids[0][0]) >= units(asks[0][0])) return 'rejected';
  return { bids: new Map(bids.slice(0, DEPTH)), asks: new Map(asks.slice(0, DEPTH)) };
}

// ---- random producer events ----

/** Grid prices i/10, and now and then i/10 + 1e-20, which a double cannot tell from i/10. */
function priceAt(index: number, rng: Rng): string {
  const scaled = BigInt(index) * 10n ** 19n + (rng.next() < 0.2 ? 1n : 0n);
  const whole = scaled / 10n ** 20n;
  const fraction = (scaled % 10n ** 20n).toString().padStart(20, '0').replace(/0+$/, '');
  const text = fraction.length > 0 ? `${whole}.${fraction}` : `${whole}`;
  // Producers may send non-canonical forms; ingest normalises them.
  return rng.next() < 0.1 ? (text.includes('.') ? `${text}0` : `${text}.00`) : text;
}
const sizeOf = (rng: Rng) => ['0.5', '1', '2.25', '10', '0.00000001', '123.456'][rng.int(0, 5)];

function randomEvent(symbol: string, model: ClientBook | undefined, mid: number, rng: Rng): BookInput {
  const bid = () => priceAt(rng.int(Math.max(1, mid - 18), mid - 1), rng);
  const ask = () => priceAt(rng.int(mid, mid + 18), rng);
  const levels = (count: number, price: () => string) =>
    Array.from({ length: count }, (): [string, string] => [price(), rng.next() < 0.08 ? '0' : sizeOf(rng)]);
  const roll = rng.next();
  if (roll < 0.06 || model === undefined) {
    const crossed = rng.next() < 0.2;
    return snapshotEvent(symbol, levels(rng.int(0, 20), crossed ? ask : bid), levels(rng.int(crossed ? 1 : 0, 20), ask));
  }
  if (roll < 0.16) {
    // Crossing on purpose: a bid at or above the best ask, or an ask at or below the best bid.
    const { bids, asks } = levelsOf(model);
    if (asks.length > 0 && rng.next() < 0.5) return deltaEvent(symbol, [[asks[rng.int(0, asks.length - 1)][0], sizeOf(rng)]], []);
    if (bids.length > 0) return deltaEvent(symbol, [], [[bids[rng.int(0, bids.length - 1)][0], sizeOf(rng)]]);
  }
  if (roll < 0.26) {
    // Deletes of levels the book does not have (a no-op for the book).
    return deltaEvent(symbol, [[priceAt(rng.int(1, 5), rng), '0']], [[priceAt(rng.int(200, 210), rng), '0']]);
  }
  const existing = (side: Side) => [...side.keys()];
  const touch = (side: Side, fresh: () => string): [string, string] => {
    const prices = existing(side);
    const price = prices.length > 0 && rng.next() < 0.6 ? prices[rng.int(0, prices.length - 1)] : fresh();
    return [price, rng.next() < 0.35 ? '0' : sizeOf(rng)];
  };
  return deltaEvent(
    symbol,
    Array.from({ length: rng.int(0, 4) }, () => touch(model.bids, bid)),
    Array.from({ length: rng.int(0, 4) }, () => touch(model.asks, ask)),
  );
}

// ---- the runs ----

async function runSequence(seed: number, batchSizes: { min: number; max: number }, symbols: string[]) {
  const rng = prng(seed);
  const hub = new InMemoryPubSubHub();
  const store = new InMemoryRoomStore(hub, { historyLimit: 10_000, dedupeWindow: 10_000 });
  const log = new InMemoryEventLog(1);
  const { pipeline, keeper } = createBookPipeline(store, log, { maxDepth: DEPTH, snapshotEvery: 1 + (seed % 9) });
  const delivered: string[] = [];
  const feed = hub.createFeed();
  feed.setListener((_room, envelope) => delivered.push(envelope));
  for (const symbol of symbols) await feed.subscribe(`orderbook:${symbol}`);

  const models = new Map<string, ClientBook | undefined>();
  const clients = new Map<string, ClientBook | undefined>();
  const lastSeq = new Map<string, number>();
  const mids = new Map(symbols.map((symbol) => [symbol, 40]));
  const counts = { messages: 0, rejected: 0, deltas: 0 };

  for (let step = 0; step < 120; ) {
    const batch: BookInput[] = [];
    const expectedOutcomes: { symbol: string; accepted: boolean }[] = [];
    for (let size = rng.int(batchSizes.min, batchSizes.max); size > 0; size--, step++) {
      const symbol = symbols[rng.int(0, symbols.length - 1)];
      const mid = Math.max(20, Math.min(80, (mids.get(symbol) as number) + rng.int(-1, 1)));
      mids.set(symbol, mid);
      // Now and then a delta arrives before any snapshot: the book is unknown.
      const event = step === 0 && rng.next() < 0.5 ? deltaEvent(symbol, [['1', '1']], []) : randomEvent(symbol, models.get(symbol), mid, rng);
      const after = modelApply(models.get(symbol), event);
      expectedOutcomes.push({ symbol, accepted: after !== 'rejected' });
      if (after !== 'rejected') models.set(symbol, after);
      batch.push(event);
    }
    delivered.length = 0;
    await pipeline.handleBatch(await sendBookEvents(log, batch));
    await new Promise(setImmediate);

    const messages = delivered.map(messageOfEnvelope);
    same(messages.map((message) => message.symbol), expectedOutcomes.filter((o) => o.accepted).map((o) => o.symbol));
    counts.rejected += expectedOutcomes.filter((o) => !o.accepted).length;
    for (const message of messages) {
      same(message.seq, (lastSeq.get(message.symbol) ?? 0) + 1);
      lastSeq.set(message.symbol, message.seq);
      const client = clientApply(clients.get(message.symbol), message);
      clients.set(message.symbol, client);
      same(message.checksum, bookChecksum(sortedBids(client.bids), sortedAsks(client.asks)));
      counts.messages++;
      if (message.kind === 'delta') counts.deltas++;
    }
    for (const symbol of symbols) {
      const model = models.get(symbol);
      if (model === undefined) continue;
      const client = clients.get(symbol) as ClientBook;
      const expected = levelsOf(client);
      same(expected, levelsOf(model));
      same(keeper.bookOf(symbol), expected);
      const stored = await storedBook(store, `orderbook:${symbol}`);
      same([stored?.kind, stored?.seq, stored?.bids, stored?.asks], ['snapshot', lastSeq.get(symbol), expected.bids, expected.asks]);
    }
  }
  return counts;
}

describe('order book property: delivered messages rebuild ingest’s book exactly', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => 1000 + i);

  it('one event per batch, the client checked after every message', async () => {
    const totals = { messages: 0, rejected: 0, deltas: 0 };
    for (const seed of seeds) {
      const counts = await runSequence(seed, { min: 1, max: 1 }, ['BTC-USDC']);
      totals.messages += counts.messages;
      totals.rejected += counts.rejected;
      totals.deltas += counts.deltas;
    }
    // The runs really exercise deltas and rejections, not just snapshots.
    expect(totals.deltas).toBeGreaterThan(totals.messages / 3);
    expect(totals.rejected).toBeGreaterThan(totals.messages / 10);
  });

  it('batches of several events over two symbols, checksums after every message and books after every batch', async () => {
    for (const seed of seeds.slice(0, 10)) await runSequence(seed, { min: 1, max: 8 }, ['BTC-USDC', 'ETH-USDC']);
  });
});
