import { MAX_BOOK_LEVELS, type BookLevel, type DEXEventType, type NormalisedEventOf } from '@moonx-farm/events';

export interface OrderBookSettings {
  /** Every Nth published book message of a symbol is a full snapshot (ORDER_BOOK_SNAPSHOT_EVERY). */
  snapshotEvery: number;
  /** Levels kept per side; the best ones stay. */
  maxDepth: number;
  /**
   * Event ids remembered per book, and read back from the room's history on recovery, so a
   * replayed or re-sent event is recognised before it touches the book.
   */
  rememberedIds: number;
}

export const DEFAULT_ORDER_BOOK_SETTINGS: OrderBookSettings = {
  snapshotEvery: 100,
  maxDepth: MAX_BOOK_LEVELS,
  rememberedIds: 1000,
};

export const ORDER_BOOK_SETTINGS = Symbol('ORDER_BOOK_SETTINGS');

/** Complete settings from partial ones; a value that is not a positive integer stops the process. */
export function orderBookSettingsOf(overrides: Partial<OrderBookSettings> = {}): OrderBookSettings {
  const settings: OrderBookSettings = {
    snapshotEvery: overrides.snapshotEvery ?? DEFAULT_ORDER_BOOK_SETTINGS.snapshotEvery,
    maxDepth: overrides.maxDepth ?? DEFAULT_ORDER_BOOK_SETTINGS.maxDepth,
    rememberedIds: overrides.rememberedIds ?? DEFAULT_ORDER_BOOK_SETTINGS.rememberedIds,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`order book setting ${name} must be a positive integer, got ${value}`);
  }
  return settings;
}

export type OrderBookEvent = NormalisedEventOf<DEXEventType.ORDER_BOOK_UPDATE>;

/** The book fields of a published message (the mapper adds room, id, timestamp, symbol). */
export interface BookMessageBody {
  kind: 'snapshot' | 'delta';
  /** Snapshot: every level. Delta: only the changed levels, absolute sizes, "0" = removed. Best first. */
  bids: BookLevel[];
  asks: BookLevel[];
  /** `bookChecksum` of the full book after this message. */
  checksum: number;
}

export type BookOutcome =
  /**
   * `live` goes to clients; `snapshot` (the full book) becomes the room's stored snapshot; `seq`
   * is the room seq it must take (the book it was built on is the room's at `seq - 1`).
   */
  | { outcome: 'accepted'; live: BookMessageBody; snapshot: BookMessageBody; seq: number }
  /** Already sequenced before (a replay or a re-send): nothing to publish. */
  | { outcome: 'replayed' }
  /** Goes to the dead-letter topic with this reason; the book is unchanged. */
  | { outcome: 'rejected'; reason: string };
