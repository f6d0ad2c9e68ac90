import { createRoomName, DEXEventType, type NormalisedEvent } from '@moonx-farm/events';
import { messageTailOf } from '@moonx-farm/server-core';
import type { BookMessageBody, BookOutcome, OrderBookEvent } from './order-book/order-book-settings';

/** One delivery of an event to one room, before the store assigns its seq. */
export interface RoomDelivery {
  room: string;
  type: DEXEventType;
  messageTail: string;
  /** Set when this message is also the room's new snapshot. */
  snapshotTail?: string;
}

/** Every event but order book updates, which go through the OrderBookKeeperService first. */
export type StatelessEvent = Exclude<NormalisedEvent, OrderBookEvent>;

/*
 * Messages are built with Object.assign rather than spread syntax: in Node 20's V8,
 * `{ ...head, a, ...data }` takes a slow path for every property after the first spread: a price
 * or trade message cost 12.6-18.7 µs on the bench machine, 2.4-3.1 µs with Object.assign
 * (`node dist/tools/bench/ingest-mapping.js`, BENCHMARKS.md). Same keys in the same order; the producer schemas strip unknown keys, so no
 * `__proto__` reaches Object.assign's setter.
 */

/**
 * Where an event goes and what clients receive there: the payload fields of the original
 * README plus `room`, `id` and `timestamp` (the store adds `seq`).
 */
export function roomDeliveriesOf(event: StatelessEvent, eventId: string): RoomDelivery[] {
  const meta = (room: string) => ({ room, id: eventId, timestamp: event.timestamp });
  switch (event.type) {
    case DEXEventType.PRICE_UPDATE: {
      const room = createRoomName.price(event.symbol);
      const tail = messageTailOf(Object.assign(meta(room), { symbol: event.symbol }, event.data));
      return [{ room, type: event.type, messageTail: tail, snapshotTail: tail }];
    }
    case DEXEventType.TRADE_NOTIFICATION: {
      const personal = event.userId !== undefined;
      const room = personal ? createRoomName.user(event.userId as string) : createRoomName.trade(event.symbol);
      return [{ room, type: event.type, messageTail: messageTailOf(Object.assign(meta(room), { symbol: event.symbol }, event.data, { personal })) }];
    }
    case DEXEventType.PORTFOLIO_UPDATE: {
      const room = createRoomName.portfolio(event.userId);
      return [{ room, type: event.type, messageTail: messageTailOf(Object.assign(meta(room), { userId: event.userId }, event.data)) }];
    }
    case DEXEventType.SYSTEM_ALERT: {
      const room = createRoomName.system();
      return [{ room, type: event.type, messageTail: messageTailOf(Object.assign(meta(room), event.data)) }];
    }
  }
}

/**
 * The delivery of an accepted order book event: the live message (a delta or a full
 * snapshot) and, always, the full book as the room's snapshot at the same seq, so a join at
 * any moment gets a complete book.
 */
export function orderBookDeliveryOf(
  event: OrderBookEvent,
  eventId: string,
  accepted: Extract<BookOutcome, { outcome: 'accepted' }>,
): RoomDelivery {
  const room = createRoomName.orderbook(event.symbol);
  const messageOf = (body: BookMessageBody) => Object.assign<Record<string, unknown>, BookMessageBody>({ room, id: eventId, timestamp: event.timestamp, symbol: event.symbol }, body);
  const snapshotTail = messageTailOf(messageOf(accepted.snapshot));
  const messageTail = accepted.live === accepted.snapshot ? snapshotTail : messageTailOf(messageOf(accepted.live));
  return { room, type: event.type, messageTail, snapshotTail };
}
