import { createEventPublisher, DEXEventType, type EventPublisher, type ProducerEventInput } from '@moonx-farm/events';
import type { EventSink } from '@moonx-farm/server-core';

export interface SimulatorSettings {
  symbols: string[];
  intervalMs: number;
  /** Users who get occasional fills and portfolio updates (for dev tokens). */
  userIds: string[];
}

const STARTING_PRICES: Record<string, number> = { 'BTC-USDC': 45000, 'ETH-USDC': 2500, 'SOL-USDC': 150 };

/**
 * Publishes a plausible market through the same event log and contract as real producers:
 * prices on a random walk, an order book that follows the price (a snapshot first, then
 * deltas: a few levels change per tick, now and then one is removed, never crossed), public
 * trades, and now and then a fill and portfolio update for each demo user.
 */
export class MarketSimulator {
  private readonly publisher: EventPublisher;
  private readonly prices = new Map<string, number>();
  private readonly books = new Map<string, SimulatedBook>();
  /** Symbols whose next book event must be a snapshot (at start, and after a failed send). */
  private readonly snapshotDue = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** A tick is still sending: later ticks are skipped until it is done, so book events never overtake each other. */
  private busy = false;
  private tick = 0;

  constructor(sink: EventSink, private readonly settings: SimulatorSettings) {
    this.publisher = createEventPublisher({ send: ({ topic, messages }) => sink.send(topic, messages) });
    for (const symbol of settings.symbols) {
      const price = STARTING_PRICES[symbol] ?? 100;
      this.prices.set(symbol, price);
      this.books.set(symbol, new SimulatedBook(price));
      this.snapshotDue.add(symbol);
    }
  }

  /** Publishes the books' snapshots at once, then a tick every `intervalMs`. */
  start(): void {
    const run = () => {
      if (this.busy) return;
      this.busy = true;
      this.publishTick()
        .catch((error: Error) => process.stderr.write(`[simulator] ${error.message}\n`))
        .finally(() => {
          this.busy = false;
        });
    };
    run();
    this.timer = setInterval(run, this.settings.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async publishTick(): Promise<void> {
    this.tick++;
    const now = Date.now();
    const events: ProducerEventInput[] = [];
    for (const symbol of this.settings.symbols) {
      const previous = this.prices.get(symbol) as number;
      const price = round(previous * (1 + (Math.random() - 0.5) * 0.002), 2);
      this.prices.set(symbol, price);
      events.push({
        type: DEXEventType.PRICE_UPDATE,
        symbol,
        timestamp: now,
        data: { price: price.toFixed(2), change: round(price - previous, 2), volume: round(1_000_000 + Math.random() * 50_000, 2) },
      });
      const book = this.books.get(symbol) as SimulatedBook;
      const delta = book.moveTo(price);
      const data = this.snapshotDue.delete(symbol) ? { kind: 'snapshot' as const, ...book.levels() } : { kind: 'delta' as const, ...delta };
      events.push({ type: DEXEventType.ORDER_BOOK_UPDATE, symbol, timestamp: now, data });
      if (Math.random() < 0.5) {
        events.push({
          type: DEXEventType.TRADE_NOTIFICATION,
          symbol,
          timestamp: now,
          data: { price: price.toFixed(2), amount: round(Math.random() * 2 + 0.01, 4), side: Math.random() < 0.5 ? 'buy' : 'sell' },
        });
      }
    }
    if (this.tick % 10 === 0) events.push(...this.userEvents(now));
    try {
      await this.publisher.publishMany(events);
    } catch (error) {
      // Some deltas may be lost: start the books over from a snapshot.
      for (const symbol of this.settings.symbols) this.snapshotDue.add(symbol);
      throw error;
    }
  }

  private userEvents(now: number): ProducerEventInput[] {
    const symbol = this.settings.symbols[this.tick % this.settings.symbols.length];
    const price = this.prices.get(symbol) as number;
    return this.settings.userIds.flatMap((userId): ProducerEventInput[] => [
      {
        type: DEXEventType.TRADE_NOTIFICATION,
        symbol,
        userId,
        timestamp: now,
        data: { price: price.toFixed(2), amount: '0.1', side: this.tick % 20 === 0 ? 'sell' : 'buy', tradeId: `sim-${this.tick}` },
      },
      {
        type: DEXEventType.PORTFOLIO_UPDATE,
        userId,
        timestamp: now,
        data: {
          totalValue: round(10_000 + price * 0.1, 2),
          pnl: round((Math.random() - 0.4) * 500, 2),
          positions: [{ symbol, amount: '0.1', value: round(price * 0.1, 2) }],
        },
      },
    ]);
  }
}

type Level = [price: string, size: string];

const BOOK_LEVELS = 10;
/** Levels further than this from the best one are dropped, so the book stays near the price. */
const BOOK_KEEP = 14;

/**
 * A book on a price grid of whole ticks (integers, so prices never drift through floating
 * point): bids at or below the tick under the price, asks at least one tick above it, so it
 * can never cross.
 */
class SimulatedBook {
  private readonly tickCents: number;
  private readonly bids = new Map<number, string>();
  private readonly asks = new Map<number, string>();

  constructor(price: number) {
    this.tickCents = Math.max(1, Math.round(price * 0.05));
    this.moveTo(price);
  }

  /** Moves the book to a new price and returns what changed (absolute sizes, "0" = removed). */
  moveTo(price: number): { bids: Level[]; asks: Level[] } {
    const changed = { bids: new Map<number, string>(), asks: new Map<number, string>() };
    const bestBid = Math.floor((price * 100) / this.tickCents);
    const bestAsk = bestBid + 1;
    const set = (side: 'bids' | 'asks', tick: number, size: string) => {
      if (size === '0') this[side].delete(tick);
      else this[side].set(tick, size);
      changed[side].set(tick, size);
    };
    // Levels the price moved through, or that fell too far behind it, go.
    for (const tick of this.bids.keys()) if (tick > bestBid || tick < bestBid - BOOK_KEEP) set('bids', tick, '0');
    for (const tick of this.asks.keys()) if (tick < bestAsk || tick > bestAsk + BOOK_KEEP) set('asks', tick, '0');
    // The ten levels next to the price are there (liquidity comes back to a removed one).
    for (let level = 0; level < BOOK_LEVELS; level++) {
      if (!this.bids.has(bestBid - level)) set('bids', bestBid - level, randomSize());
      if (!this.asks.has(bestAsk + level)) set('asks', bestAsk + level, randomSize());
    }
    // A few resting orders change size, and now and then a level is taken out.
    for (let count = 1 + Math.floor(Math.random() * 3); count > 0; count--) {
      const side = Math.random() < 0.5 ? 'bids' : 'asks';
      set(side, pick([...this[side].keys()]), randomSize());
    }
    if (Math.random() < 0.3) {
      const side = Math.random() < 0.5 ? 'bids' : 'asks';
      set(side, pick([...this[side].keys()]), '0');
    }
    return { bids: this.toLevels(changed.bids, -1), asks: this.toLevels(changed.asks, 1) };
  }

  /** The whole book, best first. */
  levels(): { bids: Level[]; asks: Level[] } {
    return { bids: this.toLevels(this.bids, -1), asks: this.toLevels(this.asks, 1) };
  }

  private toLevels(levels: Map<number, string>, order: 1 | -1): Level[] {
    return [...levels]
      .sort(([a], [b]) => (a - b) * order)
      .map(([tick, size]): Level => [((tick * this.tickCents) / 100).toFixed(2), size]);
  }
}

function randomSize(): string {
  return (Math.random() * 5 + 0.1).toFixed(4);
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
