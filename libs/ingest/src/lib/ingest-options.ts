import type { OrderBookSettings } from './order-book/order-book-settings';

export interface IngestOptions {
  /** Raw topics consumed. */
  topics: readonly string[];
  deadLetterTopic: string;
  /** Order book settings; unset fields take DEFAULT_ORDER_BOOK_SETTINGS. */
  orderBook?: Partial<OrderBookSettings>;
}

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');
