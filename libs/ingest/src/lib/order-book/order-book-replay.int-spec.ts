import { InMemoryEventLog, InMemoryPubSubHub, InMemoryRoomStore, type RedisSettings } from '@moonx-farm/server-core';
import { createRedisConnection, RedisRoomFeed, RedisRoomStore, waitUntilReady, type RedisConnection } from '@moonx-farm/server-redis';
import { getSharedTestEnv, uniqueName } from '@moonx-farm/test-env';
import {
  createBookPipeline,
  deltaEvent,
  FlakyStore,
  historyOf,
  messageOfEnvelope,
  resentBeyondMemory,
  sendBookEvents,
  snapshotEvent,
  storedBook,
  type BookInput,
} from './book-pipeline.test-kit';

const ROOM = 'orderbook:ETH-USDC';
const limits = { historyLimit: 1000, dedupeWindow: 10000 };

const EVENTS: BookInput[] = [
  snapshotEvent('ETH-USDC', [['2500', '1'], ['2499.5', '2']], [['2501', '1'], ['2502', '3']]),
  deltaEvent('ETH-USDC', [['2500', '0'], ['2499.9', '4']], [['2501', '2']]),
  deltaEvent('ETH-USDC', [['2501', '1']], []), // crosses: rejected
  deltaEvent('ETH-USDC', [], [['2501', '0'], ['2503', '1']]),
  deltaEvent('ETH-USDC', [['2501', '1']], []), // fine now: best ask is 2502
  deltaEvent('ETH-USDC', [['2499.5', '0']], [['2600', '0']]),
  deltaEvent('ETH-USDC', [['2499.9', '5']], [['2502', '0']]),
  deltaEvent('ETH-USDC', [['0.10000000000000000001', '1'], ['0.1', '2']], []),
];

describe('order book crash and replay on the real Redis store', () => {
  const connections: RedisConnection[] = [];
  let settings: RedisSettings;

  const connect = async (name: string, subscriber = false) => {
    const connection = createRedisConnection(settings, { name, subscriber });
    connections.push(connection);
    await waitUntilReady(connection);
    return connection;
  };

  beforeAll(() => {
    const { redis } = getSharedTestEnv();
    settings = { host: redis.host, port: redis.port, db: 0, keyPrefix: `${uniqueName('books')}:`, clusterNodes: [] };
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit().catch(() => undefined)));
  });

  it('a restarted ingest replays the uncommitted batch: no duplicate, no skipped seq, the book recovered from Redis', async () => {
    const log = new InMemoryEventLog(1);
    const raws = await sendBookEvents(log, EVENTS);

    // What an uninterrupted ingest delivers (same event ids: the log's coordinates).
    const reference = new InMemoryRoomStore(new InMemoryPubSubHub(), limits);
    await createBookPipeline(reference, new InMemoryEventLog(1)).pipeline.handleBatch(raws);
    const expected = await historyOf(reference, ROOM);

    // The first process sequences five events of the batch, then dies before committing.
    const firstConnection = await connect('books-first');
    await createBookPipeline(new RedisRoomStore(firstConnection, limits, settings.keyPrefix), log).pipeline.handleBatch(raws.slice(0, 5));
    await firstConnection.quit();

    const feed = new RedisRoomFeed(await connect('books-feed', true), settings.keyPrefix);
    const live: number[] = [];
    feed.setListener((_room, envelope) => live.push(messageOfEnvelope(envelope).seq));
    await feed.subscribe(ROOM);

    // The restarted process gets the whole batch again.
    const store = new RedisRoomStore(await connect('books-restarted'), limits, settings.keyPrefix);
    const restarted = createBookPipeline(store, log);
    await restarted.pipeline.handleBatch(raws);
    const history = await historyOf(store, ROOM);
    expect(history).toEqual(expected);
    expect(history.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const stored = await storedBook(store, ROOM);
    expect(stored).toMatchObject({ seq: 7, kind: 'snapshot', bids: [['2501', '1'], ['2499.9', '5'], ['0.10000000000000000001', '1'], ['0.1', '2']], asks: [['2503', '1']] });
    expect(restarted.keeper.bookOf('ETH-USDC')).toEqual({ bids: stored?.bids, asks: stored?.asks });

    // Once more after another crash: everything is a replay now, nothing is published.
    const again = createBookPipeline(store, log);
    await again.pipeline.handleBatch(raws);
    expect(await store.currentSeq(ROOM)).toBe(7);
    expect(again.keeper.bookOf('ETH-USDC')).toEqual({ bids: stored?.bids, asks: stored?.asks });

    // A new event lands right after; the channel carried only the events new to the store.
    await again.pipeline.handleBatch(await sendBookEvents(log, [deltaEvent('ETH-USDC', [['0.1', '0']], [])]));
    await waitFor(() => live.includes(8));
    expect(live).toEqual([5, 6, 7, 8]);
    expect((await storedBook(store, ROOM))?.bids).toEqual([['2501', '1'], ['2499.9', '5'], ['0.10000000000000000001', '1']]);
    await feed.close();
  });

  it('a lost append: Redis refuses the appends built on it, and the redelivery leaves the history an uninterrupted run makes', async () => {
    const log = new InMemoryEventLog(1);
    const raws = await sendBookEvents(
      log,
      EVENTS.map((event) => ({ ...event, symbol: 'ARB-USDC' })),
    );
    const reference = new InMemoryRoomStore(new InMemoryPubSubHub(), limits);
    await createBookPipeline(reference, new InMemoryEventLog(1)).pipeline.handleBatch(raws);
    const expected = await historyOf(reference, 'orderbook:ARB-USDC');

    const store = new RedisRoomStore(await connect('books-lost-append'), limits, settings.keyPrefix);
    const { pipeline } = createBookPipeline(new FlakyStore(store, (n) => n === 3), log);
    await expect(pipeline.handleBatch(raws)).rejects.toThrow('store unavailable');
    expect(await store.currentSeq('orderbook:ARB-USDC')).toBe(2);
    await pipeline.handleBatch(raws);
    expect(await historyOf(store, 'orderbook:ARB-USDC')).toEqual(expected);
  });

  it('an id re-sent from further back than the keeper remembers is skipped by what Redis remembers, and the next event builds on the right book', async () => {
    const store = new RedisRoomStore(await connect('books-resent'), limits, settings.keyPrefix);
    const log = new InMemoryEventLog(1);
    const { pipeline, keeper } = createBookPipeline(store, log, { rememberedIds: 2 });
    const { events, firstBatch, bids } = resentBeyondMemory('SOL-USDC');
    const raws = await sendBookEvents(log, events);
    await pipeline.handleBatch(raws.slice(0, firstBatch));
    await pipeline.handleBatch(raws.slice(firstBatch));
    expect(await store.currentSeq('orderbook:SOL-USDC')).toBe(6);
    expect((await storedBook(store, 'orderbook:SOL-USDC'))?.bids).toEqual(bids);
    expect(keeper.bookOf('SOL-USDC')?.bids).toEqual(bids);
    expect((await historyOf(store, 'orderbook:SOL-USDC')).map((message) => message.id)).toEqual(['s', 'a', 'b', 'c', 'd', 'e']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
