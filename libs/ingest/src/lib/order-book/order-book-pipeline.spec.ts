import { bookChecksum, type BookLevel } from '@moonx-farm/events';
import {
  InMemoryEventLog,
  InMemoryPubSubHub,
  InMemoryRoomStore,
} from '@moonx-farm/server-core';
import {
  createBookPipeline,
  deadLettersOf,
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

const ROOM = 'orderbook:BTC-USDC';
const limits = { historyLimit: 1000, dedupeWindow: 10000 };

function ports() {
  const hub = new InMemoryPubSubHub();
  return { hub, store: new InMemoryRoomStore(hub, limits), log: new InMemoryEventLog(1) };
}

const S0 = snapshotEvent('BTC-USDC', [['100', '1'], ['99', '2']], [['101', '1'], ['102', '3']]);
/** A story with deletes, inserts, a crossing attempt and a second snapshot. */
const STORY: BookInput[] = [
  S0,
  deltaEvent('BTC-USDC', [['100', '0'], ['99.5', '4']], [['101', '2']]),
  deltaEvent('BTC-USDC', [['101.5', '1']], []), // crosses 101: rejected
  deltaEvent('BTC-USDC', [], [['101', '0'], ['103', '1']]),
  deltaEvent('BTC-USDC', [['101.5', '1']], []), // fine now: best ask is 102
  deltaEvent('BTC-USDC', [['98', '0']], [['500', '0']]), // deletes of unknown levels
  snapshotEvent('BTC-USDC', [['95', '1']], [['96', '1'], ['97', '2']]),
  deltaEvent('BTC-USDC', [['95', '3'], ['94', '1']], [['96', '0']]),
];

/** What an uninterrupted ingest makes of a batch: the delivered payloads and the stored book. */
async function uninterruptedRun(events: BookInput[]) {
  const { store, log } = ports();
  const { pipeline } = createBookPipeline(store, log);
  await pipeline.handleBatch(await sendBookEvents(log, events));
  return { history: await historyOf(store, ROOM), stored: await storedBook(store, ROOM) };
}

describe('order books in the ingest pipeline (in-memory ports)', () => {
  it('stores the full book at every seq and delivers deltas as only the changed levels', async () => {
    const { store, log, hub } = ports();
    const { pipeline, keeper } = createBookPipeline(store, log);
    const feed = hub.createFeed();
    const live: string[] = [];
    feed.setListener((_room, envelope) => live.push(envelope));
    await feed.subscribe(ROOM);

    const raws = await sendBookEvents(log, [S0, deltaEvent('BTC-USDC', [['100', '0'], ['99.5', '4']], [['101', '2']])]);
    await pipeline.handleBatch([raws[0]]);
    const first = await store.snapshot(ROOM);
    expect(first?.message).toBe(
      '{"seq":1,"room":"orderbook:BTC-USDC","id":"order.book.updates-0-0","timestamp":1,"symbol":"BTC-USDC","kind":"snapshot",' +
        `"bids":[["100","1"],["99","2"]],"asks":[["101","1"],["102","3"]],"checksum":${bookChecksum([['100', '1'], ['99', '2']], [['101', '1'], ['102', '3']])}}`,
    );

    await pipeline.handleBatch([raws[1]]);
    const bids: BookLevel[] = [['99.5', '4'], ['99', '2']];
    const asks: BookLevel[] = [['101', '2'], ['102', '3']];
    expect(await storedBook(store, ROOM)).toEqual({
      seq: 2, room: ROOM, id: 'order.book.updates-0-1', timestamp: 1, symbol: 'BTC-USDC',
      kind: 'snapshot', bids, asks, checksum: bookChecksum(bids, asks),
    });
    await new Promise(setImmediate);
    expect(live.map(messageOfEnvelope)[1]).toEqual({
      seq: 2, room: ROOM, id: 'order.book.updates-0-1', timestamp: 1, symbol: 'BTC-USDC',
      kind: 'delta', bids: [['100', '0'], ['99.5', '4']], asks: [['101', '2']], checksum: bookChecksum(bids, asks),
    });
    expect(keeper.bookOf('BTC-USDC')).toEqual({ bids, asks });
  });

  it('keeps the stored snapshot equal to the full book after each event of a batch', async () => {
    const { store, log } = ports();
    const { pipeline } = createBookPipeline(store, log);
    const raws = await sendBookEvents(log, STORY);
    const storedAfterEach = [];
    for (const raw of raws) {
      await pipeline.handleBatch([raw]);
      storedAfterEach.push(await storedBook(store, ROOM));
    }
    expect(storedAfterEach.map((book) => book && [book.seq, book.kind, book.bids, book.asks])).toEqual([
      [1, 'snapshot', [['100', '1'], ['99', '2']], [['101', '1'], ['102', '3']]],
      [2, 'snapshot', [['99.5', '4'], ['99', '2']], [['101', '2'], ['102', '3']]],
      [2, 'snapshot', [['99.5', '4'], ['99', '2']], [['101', '2'], ['102', '3']]],
      [3, 'snapshot', [['99.5', '4'], ['99', '2']], [['102', '3'], ['103', '1']]],
      [4, 'snapshot', [['101.5', '1'], ['99.5', '4'], ['99', '2']], [['102', '3'], ['103', '1']]],
      [5, 'snapshot', [['101.5', '1'], ['99.5', '4'], ['99', '2']], [['102', '3'], ['103', '1']]],
      [6, 'snapshot', [['95', '1']], [['96', '1'], ['97', '2']]],
      [7, 'snapshot', [['95', '3'], ['94', '1']], [['97', '2']]],
    ]);
    for (const book of storedAfterEach) expect(book?.checksum).toBe(bookChecksum(book?.bids ?? [], book?.asks ?? []));
    const history = await historyOf(store, ROOM);
    expect(history.map((message) => [message.seq, message.kind, message.bids, message.asks])).toEqual([
      [1, 'snapshot', [['100', '1'], ['99', '2']], [['101', '1'], ['102', '3']]],
      [2, 'delta', [['100', '0'], ['99.5', '4']], [['101', '2']]],
      [3, 'delta', [], [['101', '0'], ['103', '1']]],
      [4, 'delta', [['101.5', '1']], []],
      [5, 'delta', [], []],
      [6, 'snapshot', [['95', '1']], [['96', '1'], ['97', '2']]],
      [7, 'delta', [['95', '3'], ['94', '1']], [['96', '0']]],
    ]);
    // The whole batch at once gives the same messages.
    expect((await uninterruptedRun(STORY)).history).toEqual(history);
  });

  it('dead-letters a crossing event and a delta of an unknown book with their reasons, consuming no seq', async () => {
    const { store, log } = ports();
    const { pipeline } = createBookPipeline(store, log);
    const raws = await sendBookEvents(log, [
      deltaEvent('BTC-USDC', [['1', '1']], []),
      S0,
      deltaEvent('BTC-USDC', [['99', '5']], [['100', '1']]),
      deltaEvent('BTC-USDC', [['99', '6']], []),
    ]);
    await pipeline.handleBatch(raws);
    expect(deadLettersOf(log).map((letter) => [letter.source.offset, letter.reason])).toEqual([
      ['0', 'order book delta for BTC-USDC rejected: the book is unknown (no snapshot yet)'],
      ['2', 'order book delta for BTC-USDC rejected: it would cross the book (best bid 100 >= best ask 100); the book keeps its previous state'],
    ]);
    const stored = await storedBook(store, ROOM);
    expect([stored?.seq, stored?.bids, stored?.asks]).toEqual([2, [['100', '1'], ['99', '6']], [['101', '1'], ['102', '3']]]);
    expect((await historyOf(store, ROOM)).map((message) => message.seq)).toEqual([1, 2]);
  });

  it('publishes a full snapshot every N updates and when asked', async () => {
    const { store, log } = ports();
    const { pipeline, keeper } = createBookPipeline(store, log, { snapshotEvery: 3 });
    const step = (size: string) => deltaEvent('BTC-USDC', [['99', size]], []);
    await pipeline.handleBatch(await sendBookEvents(log, [S0, step('1'), step('2'), step('3'), step('4'), step('5')]));
    keeper.requestSnapshot('BTC-USDC');
    await pipeline.handleBatch(await sendBookEvents(log, [step('6'), step('7')]));
    const history = await historyOf(store, ROOM);
    expect(history.map((message) => message.kind)).toEqual(['snapshot', 'delta', 'delta', 'snapshot', 'delta', 'delta', 'snapshot', 'delta']);
    const periodic = history[3];
    expect([periodic.bids, periodic.asks, periodic.checksum]).toEqual([
      [['100', '1'], ['99', '3']],
      [['101', '1'], ['102', '3']],
      bookChecksum([['100', '1'], ['99', '3']], [['101', '1'], ['102', '3']]),
    ]);
  });

  describe('replays after a crash', () => {
    it.each([
      ['the keeper remembers every id of it', 1000],
      ['the keeper remembers two ids, the store all', 2],
    ])('a whole batch sequenced before the crash (%s): nothing published, no seq used, the book recovered from the store', async (_memory, rememberedIds) => {
      const { store, log, hub } = ports();
      const raws = await sendBookEvents(log, STORY);
      await createBookPipeline(store, log, { rememberedIds }).pipeline.handleBatch(raws);
      const before = { seq: await store.currentSeq(ROOM), history: await historyOf(store, ROOM), stored: await storedBook(store, ROOM) };
      const lettersBefore = deadLettersOf(log).length;

      // A new process: new keeper, same store; Kafka redelivers the uncommitted batch.
      const feed = hub.createFeed();
      const live: string[] = [];
      feed.setListener((_room, envelope) => live.push(envelope));
      await feed.subscribe(ROOM);
      const restarted = createBookPipeline(store, log, { rememberedIds });
      await restarted.pipeline.handleBatch(raws);
      await new Promise(setImmediate);
      expect(live).toEqual([]);
      expect(await store.currentSeq(ROOM)).toBe(before.seq);
      expect(await historyOf(store, ROOM)).toEqual(before.history);
      expect(restarted.keeper.bookOf('BTC-USDC')).toEqual({ bids: before.stored?.bids, asks: before.stored?.asks });
      // The event rejected before the crash is rejected again (its dead letter may not have been sent).
      expect(deadLettersOf(log).slice(lettersBefore).map((letter) => letter.source.offset)).toEqual(['2']);

      // And the next event applies to the recovered book.
      await restarted.pipeline.handleBatch(await sendBookEvents(log, [deltaEvent('BTC-USDC', [['96', '1']], [])]));
      expect(await historyOf(store, ROOM)).toEqual((await uninterruptedRun([...STORY, deltaEvent('BTC-USDC', [['96', '1']], [])])).history);
    });

    it.each([1, 2, 3, 4, 6, 7])('a crash after %i events of the batch were sequenced ends like an uninterrupted run', async (done) => {
      const { store, log } = ports();
      const raws = await sendBookEvents(log, STORY);
      await createBookPipeline(store, log).pipeline.handleBatch(raws.slice(0, done));
      await createBookPipeline(store, log).pipeline.handleBatch(raws);
      const expected = await uninterruptedRun(STORY);
      expect(await historyOf(store, ROOM)).toEqual(expected.history);
      expect(await storedBook(store, ROOM)).toEqual(expected.stored);
    });

    it('does not apply a replayed event that was rejected before the crash, even where the book now accepts it', async () => {
      const { store, log } = ports();
      const events = [
        S0,
        deltaEvent('BTC-USDC', [['101', '1']], []), // crosses 101 now; would not after the next delta
        deltaEvent('BTC-USDC', [], [['101', '0']]),
      ];
      const raws = await sendBookEvents(log, events);
      await createBookPipeline(store, log).pipeline.handleBatch(raws);
      const restarted = createBookPipeline(store, log);
      await restarted.pipeline.handleBatch(raws);
      expect(restarted.keeper.bookOf('BTC-USDC')).toEqual({ bids: [['100', '1'], ['99', '2']], asks: [['102', '3']] });
      expect(await store.currentSeq(ROOM)).toBe(2);
      expect(deadLettersOf(log).map((letter) => letter.source.offset)).toEqual(['1', '1']);
      expect(deadLettersOf(log)[1].reason).toMatch(/redelivered from before events the store already holds and was not sequenced the first time/);
    });

    it('a replay spread over smaller batches than the original one', async () => {
      const { store, log } = ports();
      const raws = await sendBookEvents(log, STORY);
      await createBookPipeline(store, log).pipeline.handleBatch(raws);
      const restarted = createBookPipeline(store, log);
      for (let start = 0; start < raws.length; start += 3) await restarted.pipeline.handleBatch(raws.slice(start, start + 3));
      expect(await historyOf(store, ROOM)).toEqual((await uninterruptedRun(STORY)).history);
      expect(restarted.keeper.bookOf('BTC-USDC')).toEqual({ bids: [['95', '3'], ['94', '1']], asks: [['97', '2']] });
    });
  });

  it('a store outage mid-batch: the batch fails, and its redelivery ends like an uninterrupted run', async () => {
    const { store, log } = ports();
    const flaky = new FlakyStore(store, (n) => n >= 4 && n <= 7) // the rest of the batch's 7 appends;
    const { pipeline } = createBookPipeline(flaky, log);
    const raws = await sendBookEvents(log, STORY);
    await expect(pipeline.handleBatch(raws)).rejects.toThrow('store unavailable');
    expect(await store.currentSeq(ROOM)).toBe(3);
    await pipeline.handleBatch(raws);
    expect(await historyOf(store, ROOM)).toEqual((await uninterruptedRun(STORY)).history);
  });

  it('one lost append among later ones: the store refuses those after it, and the redelivery ends like an uninterrupted run, no gap', async () => {
    const { store, log, hub } = ports();
    const feed = hub.createFeed();
    const live: string[] = [];
    feed.setListener((_room, envelope) => live.push(envelope));
    await feed.subscribe(ROOM);
    const flaky = new FlakyStore(store, (n) => n === 4);
    const { pipeline } = createBookPipeline(flaky, log);
    const raws = await sendBookEvents(log, STORY);
    // The fourth append is lost; the three after it were built on its book and are refused.
    await expect(pipeline.handleBatch(raws)).rejects.toThrow('store unavailable');
    expect(await store.currentSeq(ROOM)).toBe(3);
    await pipeline.handleBatch(raws);
    const expected = await uninterruptedRun(STORY);
    expect(await historyOf(store, ROOM)).toEqual(expected.history);
    expect(await storedBook(store, ROOM)).toEqual(expected.stored);
    // Every message clients got follows the one before it: each checksum matches the book
    // their previous messages built.
    await new Promise(setImmediate);
    const delivered = live.map(messageOfEnvelope);
    expect(delivered.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    let bids: BookLevel[] = [];
    let asks: BookLevel[] = [];
    for (const message of delivered) {
      if (message.kind === 'snapshot') [bids, asks] = [message.bids, message.asks];
      else [bids, asks] = [applyLevels(bids, message.bids, 'bids'), applyLevels(asks, message.asks, 'asks')];
      expect(bookChecksum(bids, asks)).toBe(message.checksum);
    }
    // Only the event the book refuses (it crosses) is dead-lettered, once.
    expect(deadLettersOf(log).map((letter) => letter.source.offset)).toEqual(['2']);
    await feed.close();
  });

  it('reloads a book whose room moved on without it (another instance owned the partition)', async () => {
    const { store, log } = ports();
    const first = createBookPipeline(store, log);
    const second = createBookPipeline(store, log);
    const raws = await sendBookEvents(log, STORY);
    await first.pipeline.handleBatch(raws.slice(0, 2));
    await second.pipeline.handleBatch(raws.slice(2, 5));
    await first.pipeline.handleBatch(raws.slice(5));
    expect(await historyOf(store, ROOM)).toEqual((await uninterruptedRun(STORY)).history);
  });

  const withId = (id: string, event: BookInput): BookInput => ({ ...event, id });

  it('skips an event id re-sent later by its producer instead of moving the book back', async () => {
    const { store, log } = ports();
    const { pipeline, keeper } = createBookPipeline(store, log);
    const raws = await sendBookEvents(log, [
      withId('s', S0),
      withId('a', deltaEvent('BTC-USDC', [['99', '5']], [])),
      withId('b', deltaEvent('BTC-USDC', [['99', '7']], [])),
      withId('a', deltaEvent('BTC-USDC', [['99', '5']], [])),
    ]);
    await pipeline.handleBatch(raws.slice(0, 3));
    await pipeline.handleBatch(raws.slice(3));
    expect(await store.currentSeq(ROOM)).toBe(3);
    expect(keeper.bookOf('BTC-USDC')?.bids).toEqual([['100', '1'], ['99', '7']]);
    expect((await storedBook(store, ROOM))?.bids).toEqual([['100', '1'], ['99', '7']]);
  });

  it('skips a re-sent event id the keeper no longer remembers but the store does, and builds the next event on the right book', async () => {
    const { store, log } = ports();
    const { pipeline, keeper } = createBookPipeline(store, log, { rememberedIds: 2 });
    const { events, firstBatch, bids } = resentBeyondMemory('BTC-USDC');
    const raws = await sendBookEvents(log, events);
    await pipeline.handleBatch(raws.slice(0, firstBatch));
    await pipeline.handleBatch(raws.slice(firstBatch));
    expect(await store.currentSeq(ROOM)).toBe(6);
    const stored = await storedBook(store, ROOM);
    expect(stored?.bids).toEqual(bids);
    expect(keeper.bookOf('BTC-USDC')?.bids).toEqual(bids);
    // What clients were sent after 'd' is the delta of 'e' alone, with the right book's checksum.
    const last = (await historyOf(store, ROOM)).at(-1);
    expect(last).toMatchObject({ seq: 6, kind: 'delta', bids: [['96', '1']], asks: [] });
    expect(last?.checksum).toBe(stored?.checksum);
    expect(deadLettersOf(log)).toEqual([]);
  });
});

/** What a client does with a delta's levels: absolute sizes, "0" deletes; best first. */
function applyLevels(levels: BookLevel[], changes: BookLevel[], side: 'bids' | 'asks'): BookLevel[] {
  const book = new Map(levels);
  for (const [price, size] of changes) {
    if (Number(size) === 0) book.delete(price);
    else book.set(price, size);
  }
  return [...book].sort((a, b) => (side === 'bids' ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
}
