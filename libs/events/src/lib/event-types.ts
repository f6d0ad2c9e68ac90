/**
 * The five DEX event types. Each has a raw Kafka topic that producers publish to and a
 * Socket.IO event name that clients receive.
 *
 * @example
 * KAFKA_TOPICS[DEXEventType.PRICE_UPDATE]; // 'price.updates'
 */
export enum DEXEventType {
  PRICE_UPDATE = 'price_update',
  ORDER_BOOK_UPDATE = 'order_book_update',
  TRADE_NOTIFICATION = 'trade_notification',
  PORTFOLIO_UPDATE = 'portfolio_update',
  SYSTEM_ALERT = 'system_alert',
}

/** Every event type, in declaration order. */
export const DEX_EVENT_TYPES: readonly DEXEventType[] = Object.values(DEXEventType);

/**
 * Socket.IO event name a client listens to for each event type.
 *
 * @example
 * socket.on(WEBSOCKET_EVENTS[DEXEventType.PRICE_UPDATE], (update) => render(update));
 */
export const WEBSOCKET_EVENTS = {
  [DEXEventType.PRICE_UPDATE]: 'price_update',
  [DEXEventType.ORDER_BOOK_UPDATE]: 'order_book_update',
  [DEXEventType.TRADE_NOTIFICATION]: 'trade_notification',
  [DEXEventType.PORTFOLIO_UPDATE]: 'portfolio_update',
  [DEXEventType.SYSTEM_ALERT]: 'system_alert',
} as const satisfies Record<DEXEventType, string>;

/**
 * Raw Kafka topic each event type is published to (the system of record).
 *
 * @example
 * await producer.send({ topic: KAFKA_TOPICS[DEXEventType.TRADE_NOTIFICATION], messages });
 */
export const KAFKA_TOPICS = {
  [DEXEventType.PRICE_UPDATE]: 'price.updates',
  [DEXEventType.ORDER_BOOK_UPDATE]: 'order.book.updates',
  [DEXEventType.TRADE_NOTIFICATION]: 'trade.notifications',
  [DEXEventType.PORTFOLIO_UPDATE]: 'portfolio.updates',
  [DEXEventType.SYSTEM_ALERT]: 'system.alerts',
} as const satisfies Record<DEXEventType, string>;

export type KafkaTopic = (typeof KAFKA_TOPICS)[DEXEventType];

/** Where ingest puts events that fail validation, with the reason and the original bytes. */
export const DEAD_LETTER_TOPIC = 'gateway.dead-letter';

/** Event type carried by a raw topic, or undefined for a topic that is not ours. */
export function eventTypeForTopic(topic: string): DEXEventType | undefined {
  return DEX_EVENT_TYPES.find((type) => KAFKA_TOPICS[type] === topic);
}
