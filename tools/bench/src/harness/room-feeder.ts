import { DEXEventType, createRoomName } from '@moonx-farm/events';
import { messageTailOf } from '@moonx-farm/server-core';
import { RedisRoomStore, createRedisConnection, waitUntilReady, type RedisConnection } from '@moonx-farm/server-redis';
import { benchEventId, uniqueSendMicros } from '../lib/socket-io-wire';

/*
 * Feeds rooms exactly as ingest does, without Kafka: RedisRoomStore.append() assigns the seq,
 * stores snapshot and history and SPUBLISHes the envelope on the room's channel (one Lua call
 * per update). The messages have the shapes of libs/ingest's room-message.mapper.ts. The
 * event id carries the send time in µs (see benchEventId) for latency at the client.
 */

export interface FeedItem {
  room: string;
  type: DEXEventType;
  symbol: string;
}

const RUN = Math.random().toString(36).slice(2, 8);
const BOOK_LEVELS = 10;

export class RoomFeeder {
  private counter = 0;
  private pending = 0;

  private constructor(
    private readonly connection: RedisConnection,
    private readonly store: RedisRoomStore,
  ) {}

  static async connect(redis: { host: string; port: number }): Promise<RoomFeeder> {
    const connection = createRedisConnection(
      { host: redis.host, port: redis.port, db: 0, keyPrefix: 'wsg:', clusterNodes: [] },
      { name: 'bench-feeder' },
    );
    await waitUntilReady(connection);
    // The gateway app's and ingest's defaults (ROOM_HISTORY_LENGTH, DEDUPE_WINDOW).
    return new RoomFeeder(connection, new RedisRoomStore(connection, { historyLimit: 1000, dedupeWindow: 10000 }, 'wsg:'));
  }

  /** Appends still waiting for Redis. */
  get inFlight(): number {
    return this.pending;
  }

  /** Sends one update now (not awaited by the caller: ordering per room is kept by the connection). */
  send(item: FeedItem): Promise<void> {
    const sentUs = uniqueSendMicros();
    const sentMs = sentUs / 1000;
    const id = benchEventId(RUN, this.counter++, sentUs);
    const message = messageOf(item, id, Math.floor(sentMs), this.counter);
    const tail = messageTailOf(message);
    this.pending++;
    return this.store
      .append({
        room: item.room,
        type: item.type,
        eventId: id,
        messageTail: tail,
        snapshotTail: item.type === DEXEventType.TRADE_NOTIFICATION ? undefined : tail,
        publishedAt: Math.floor(sentMs),
      })
      .then(
        () => void this.pending--,
        () => void this.pending--,
      );
  }

  /** A snapshot for every market room, so joins answer as they do in production. */
  async seed(items: readonly FeedItem[]): Promise<void> {
    await Promise.all(items.map((item) => this.send(item)));
  }

  async close(): Promise<void> {
    await this.connection.quit().catch(() => undefined);
  }
}

/** Object.assign, not `{ ...head, … }`: spread syntax followed by more properties costs ~15 µs a message in Node 20, on the generator's core. */
function messageOf(item: FeedItem, id: string, timestamp: number, n: number): Record<string, unknown> {
  const head = { room: item.room, id, timestamp, symbol: item.symbol };
  const price = 45000 + (n % 1000) / 10;
  switch (item.type) {
    case DEXEventType.PRICE_UPDATE:
      return Object.assign(head, {
        price: price.toFixed(2),
        change: '125.5',
        changePercent: '0.28',
        volume: '1234567.89',
        high24h: '46010.5',
        low24h: '44020.25',
      });
    case DEXEventType.ORDER_BOOK_UPDATE: {
      const level = (offset: number) => [(price + offset).toFixed(2), ((n % 7) + 0.125 * Math.abs(offset)).toFixed(4)];
      return Object.assign(head, {
        kind: 'snapshot',
        bids: Array.from({ length: BOOK_LEVELS }, (_, i) => level(-(i + 1) / 2)),
        asks: Array.from({ length: BOOK_LEVELS }, (_, i) => level((i + 1) / 2)),
      });
    }
    case DEXEventType.TRADE_NOTIFICATION:
      return Object.assign(head, {
        price: price.toFixed(2),
        amount: '0.015',
        side: n % 2 ? 'buy' : 'sell',
        tradeId: `t-${n}`,
        orderId: `o-${n}`,
        fee: '0.00001',
        feeAsset: 'BTC',
        personal: true,
      });
    default:
      return Object.assign(head, { value: n });
  }
}

/** `SYM0-USDC` … for n symbols (BTC-USDC first). */
export function benchSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'BTC-USDC' : `SYM${i}-USDC`));
}

export const priceItem = (symbol: string): FeedItem => ({ room: createRoomName.price(symbol), type: DEXEventType.PRICE_UPDATE, symbol });
export const bookItem = (symbol: string): FeedItem => ({ room: createRoomName.orderbook(symbol), type: DEXEventType.ORDER_BOOK_UPDATE, symbol });
export const tradeItem = (userId: string): FeedItem => ({ room: createRoomName.user(userId), type: DEXEventType.TRADE_NOTIFICATION, symbol: 'BTC-USDC' });
