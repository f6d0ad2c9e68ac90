import { DEXEventType, KAFKA_TOPICS, orderBookUpdateEventSchema } from '@moonx-farm/events';
import { OrderBook } from '@moonx-farm/ingest';
import { InMemoryEventLog } from '@moonx-farm/server-core';
import { MarketSimulator } from './market-simulator';

describe('MarketSimulator order books', () => {
  it('publishes one snapshot per symbol, then small deltas that never cross and sometimes remove a level', async () => {
    const log = new InMemoryEventLog(1);
    const simulator = new MarketSimulator(log, { symbols: ['BTC-USDC', 'SOL-USDC'], intervalMs: 1000, userIds: [] });
    for (let tick = 0; tick < 300; tick++) await simulator.publishTick();

    const events = log
      .messagesOf(KAFKA_TOPICS[DEXEventType.ORDER_BOOK_UPDATE])
      .map((raw) => orderBookUpdateEventSchema.parse(JSON.parse(String(raw.value))));
    expect(events).toHaveLength(600);
    const books = new Map<string, OrderBook>();
    let removals = 0;
    for (const event of events) {
      const known = books.get(event.symbol);
      if (known === undefined) {
        expect(event.data.kind).toBe('snapshot');
        const book = new OrderBook();
        expect(book.replace(event.data.bids, event.data.asks)).toMatchObject({ ok: true });
        books.set(event.symbol, book);
        continue;
      }
      expect(event.data.kind).toBe('delta');
      const changed = event.data.bids.length + event.data.asks.length;
      expect(changed).toBeGreaterThan(0);
      expect(changed).toBeLessThan(15);
      removals += [...event.data.bids, ...event.data.asks].filter(([, size]) => size === '0').length;
      const result = known.applyDelta(event.data.bids, event.data.asks);
      if (!result.ok) throw new Error(`tick delta rejected: ${result.reason}`);
      // Ten levels near the price, one of them perhaps just taken out, none far behind.
      for (const side of [known.bids, known.asks]) expect(side.length).toBeGreaterThanOrEqual(9);
      for (const side of [known.bids, known.asks]) expect(side.length).toBeLessThanOrEqual(15);
    }
    expect(removals).toBeGreaterThan(50);
  });

  it('starts the books over from a snapshot after a failed send', async () => {
    let fail = false;
    const log = new InMemoryEventLog(1);
    const sink = { send: (topic: string, messages: Parameters<InMemoryEventLog['send']>[1]) => (fail ? Promise.reject(new Error('down')) : log.send(topic, messages)), close: async () => undefined };
    const simulator = new MarketSimulator(sink, { symbols: ['ETH-USDC'], intervalMs: 1000, userIds: [] });
    await simulator.publishTick();
    await simulator.publishTick();
    fail = true;
    await expect(simulator.publishTick()).rejects.toThrow('down');
    fail = false;
    await simulator.publishTick();
    const kinds = log.messagesOf(KAFKA_TOPICS[DEXEventType.ORDER_BOOK_UPDATE]).map((raw) => JSON.parse(String(raw.value)).data.kind);
    expect(kinds).toEqual(['snapshot', 'delta', 'snapshot']);
  });
});
