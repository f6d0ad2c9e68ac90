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
 * prices on a random walk, a 10-level book around the price, public trades, and now and then
 * a fill and portfolio update for each demo user. Deterministic enough to read, never static.
 */
export class MarketSimulator {
  private readonly publisher: EventPublisher;
  private readonly prices = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;

  constructor(sink: EventSink, private readonly settings: SimulatorSettings) {
    this.publisher = createEventPublisher({ send: ({ topic, messages }) => sink.send(topic, messages) });
    for (const symbol of settings.symbols) this.prices.set(symbol, STARTING_PRICES[symbol] ?? 100);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.publishTick().catch((error: Error) => process.stderr.write(`[simulator] ${error.message}\n`));
    }, this.settings.intervalMs);
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
      events.push({ type: DEXEventType.ORDER_BOOK_UPDATE, symbol, timestamp: now, data: { kind: 'snapshot', ...bookAround(price) } });
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
    await this.publisher.publishMany(events);
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

function bookAround(price: number) {
  const bids: [string, string][] = [];
  const asks: [string, string][] = [];
  for (let level = 1; level <= 10; level++) {
    const step = price * 0.0005 * level;
    bids.push([(price - step).toFixed(2), (Math.random() * 5 + 0.1).toFixed(4)]);
    asks.push([(price + step).toFixed(2), (Math.random() * 5 + 0.1).toFixed(4)]);
  }
  return { bids, asks };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
