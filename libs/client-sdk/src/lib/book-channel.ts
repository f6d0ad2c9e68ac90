import { createRoomName, type BookLevel, type DeliveredMessage, type OrderBookUpdateMessage } from '@moonx-farm/events';
import { ClientErrorCode, GatewayClientError } from './client-error';
import { LocalOrderBook } from './order-book';
import { RoomChannel, type ChannelEvents, type ChannelHost } from './room-channel';

/** The book as the application sees it after each change. */
export interface OrderBookView {
  symbol: string;
  /** The room seq the book is at. */
  seq: number;
  /** Best (highest) first. */
  bids: readonly BookLevel[];
  /** Best (lowest) first. */
  asks: readonly BookLevel[];
  /** False from a detected gap or checksum mismatch until the fresh snapshot is applied. */
  isSynced: boolean;
  /** True when the last message carried a checksum and the local book matched it. */
  checksumVerified: boolean;
}

export interface ResyncInfo {
  symbol: string;
  reason: 'gap' | 'checksum';
}

export interface OrderBookEvents extends ChannelEvents<OrderBookView> {
  resync: ResyncInfo;
}

/**
 * Keeps a correct local book for one symbol: starts from the join snapshot, applies deltas in
 * seq order, and on a seq gap or a checksum mismatch marks itself out of sync and re-joins for
 * a fresh snapshot. A `snapshot` message inside the stream resets the book.
 */
export class BookChannel extends RoomChannel<OrderBookView, OrderBookEvents> {
  readonly book = new LocalOrderBook();
  isSynced = false;
  checksumVerified = false;
  private syncedBeforeDisconnect = false;
  private readonly roomName: string;

  constructor(
    host: ChannelHost,
    readonly symbol: string,
  ) {
    super(host, 'resync', false);
    this.roomName = createRoomName.orderbook(symbol);
  }

  room(): string {
    return this.roomName;
  }

  view(): OrderBookView {
    return {
      symbol: this.symbol,
      seq: this.lastSeq ?? 0,
      bids: this.book.bids,
      asks: this.book.asks,
      isSynced: this.isSynced,
      checksumVerified: this.checksumVerified,
    };
  }

  protected applySnapshot(message: DeliveredMessage): void {
    const book = message as OrderBookUpdateMessage;
    if (this.applyBook({ ...book, kind: 'snapshot' }) === 'resync') this.recover('resync', 'checksum');
  }

  protected applyMessage(message: DeliveredMessage): 'ok' | 'resync' {
    const book = message as OrderBookUpdateMessage;
    if (book.kind === 'delta' && !this.isSynced) {
      // No snapshot to apply the delta to (joined a room whose snapshot was missing).
      this.recover('resync', 'gap');
      return 'ok';
    }
    const outcome = this.applyBook(book);
    if (outcome === 'ok') this.settled();
    return outcome;
  }

  protected override onJoinedWithoutSnapshot(seq: number, resumed: boolean): void {
    if (resumed) {
      // The missed deltas follow the ack and apply to the book as it was.
      this.isSynced = this.syncedBeforeDisconnect;
    } else {
      // A room that never had a book message is an empty book; otherwise wait for a snapshot.
      this.book.clear();
      this.isSynced = seq === 0;
      this.checksumVerified = false;
    }
    this.events.emit('update', this.view());
  }

  protected override whileDisconnected(): void {
    // A book that no longer receives updates is not in sync; a resumed join restores it.
    // Only a live room records whether it was in sync: a drop during a resuming join keeps
    // the record of the last drop, since the book has not changed since.
    if (this.state === 'subscribed') this.syncedBeforeDisconnect = this.isSynced;
    if (!this.isSynced) return;
    this.isSynced = false;
    this.events.emit('update', this.view());
  }

  protected override beforeRecover(reason: 'gap' | 'checksum'): void {
    this.isSynced = false;
    this.syncedBeforeDisconnect = false;
    this.checksumVerified = false;
    this.events.emit('resync', { symbol: this.symbol, reason });
  }

  private applyBook(message: OrderBookUpdateMessage): 'ok' | 'resync' {
    const result = this.book.apply(message);
    if (!result.ok) {
      this.events.emit(
        'error',
        new GatewayClientError(
          ClientErrorCode.BOOK_CHECKSUM_MISMATCH,
          `order book ${this.symbol} at seq ${message.seq}: checksum ${result.actual} != ${result.expected}; resyncing`,
          undefined,
          this.roomName,
        ),
      );
      return 'resync';
    }
    this.isSynced = true;
    this.checksumVerified = result.verified;
    this.events.emit('update', this.view());
    return 'ok';
  }
}
