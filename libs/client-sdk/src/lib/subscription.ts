import type { BookLevel, DeliveredMessage } from '@moonx-farm/events';
import type { BookChannel, OrderBookEvents, OrderBookView } from './book-channel';
import type { ChannelEvents, MessageChannel, RoomChannel, SubscriptionState } from './room-channel';
import type { Listener } from './typed-emitter';

/**
 * A subscription to one room. Listeners get `update`s exactly once and in `seq` order, also
 * across reconnects; `subscribed` after every (re)join; `gap` when missed events could not be
 * replayed; `error` when the server refuses. Several subscriptions to the same room share one
 * join: the room is left when the last one unsubscribes.
 *
 * @example
 * const price = client.price('BTC-USDC');
 * const off = price.on('update', (update) => render(update.price));
 * // later
 * price.unsubscribe();
 */
export interface Subscription<TUpdate, TEvents extends ChannelEvents<TUpdate> = ChannelEvents<TUpdate>> {
  /** The room (e.g. `price:BTC-USDC`); for a private subscription, known once authenticated. */
  readonly room: string | undefined;
  readonly state: SubscriptionState;
  /** The last seq applied, the point a reconnect resumes from. */
  readonly seq: number | undefined;
  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof TEvents & string>(event: K, listener: Listener<TEvents[K]>): () => void;
  unsubscribe(): void;
}

/** A subscription that remembers the latest message (price, portfolio, …). */
export interface LatestSubscription<T> extends Subscription<T> {
  readonly latest: T | undefined;
}

/** The local order book of one symbol, kept correct by the SDK. */
export interface OrderBookSubscription extends Subscription<OrderBookView, OrderBookEvents> {
  readonly symbol: string;
  /** Best (highest) first. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) first. */
  readonly asks: readonly BookLevel[];
  /** False until the first snapshot, and from a detected gap or checksum mismatch until resynchronised. */
  readonly isSynced: boolean;
  /** True when the last book message carried a checksum that the local book matched. */
  readonly checksumVerified: boolean;
  view(): OrderBookView;
}

/** One holder of a channel; removing it removes exactly its own listeners. */
class SubscriptionHandle<TUpdate, TEvents extends ChannelEvents<TUpdate>> implements Subscription<TUpdate, TEvents> {
  private readonly offs = new Set<() => void>();
  private released = false;

  constructor(
    protected readonly channel: RoomChannel<TUpdate, TEvents>,
    private readonly release: () => void,
    private readonly current: () => TUpdate | undefined,
  ) {}

  get room(): string | undefined {
    return this.channel.joinedRoom ?? this.channel.room();
  }

  get state(): SubscriptionState {
    return this.released ? 'unsubscribed' : this.channel.state;
  }

  get seq(): number | undefined {
    return this.channel.lastSeq;
  }

  on<K extends keyof TEvents & string>(event: K, listener: Listener<TEvents[K]>): () => void {
    if (this.released) return () => undefined;
    const off = this.channel.events.on(event, listener);
    this.offs.add(off);
    // A second subscription to a room already live gets its current state at once, as the first got the join snapshot.
    const value = event === 'update' ? this.current() : undefined;
    if (value !== undefined) {
      queueMicrotask(() => {
        if (this.offs.has(off)) (listener as Listener<TUpdate>)(value);
      });
    }
    return () => {
      this.offs.delete(off);
      off();
    };
  }

  unsubscribe(): void {
    if (this.released) return;
    this.released = true;
    this.offs.forEach((off) => off());
    this.offs.clear();
    this.release();
  }
}

class LatestSubscriptionHandle<T extends DeliveredMessage> extends SubscriptionHandle<T, ChannelEvents<T>> implements LatestSubscription<T> {
  constructor(
    private readonly messageChannel: MessageChannel<T>,
    release: () => void,
    replayLatest: boolean,
  ) {
    super(messageChannel, release, () => (replayLatest && messageChannel.state === 'subscribed' ? messageChannel.latest : undefined));
  }

  get latest(): T | undefined {
    return this.messageChannel.latest;
  }
}

/** `replayLatest`: a new listener gets the latest message at once (state-like rooms: price, portfolio). */
export function messageSubscription<T extends DeliveredMessage>(channel: MessageChannel<T>, release: () => void, replayLatest: boolean): LatestSubscription<T> {
  return new LatestSubscriptionHandle(channel, release, replayLatest);
}

class BookSubscriptionHandle extends SubscriptionHandle<OrderBookView, OrderBookEvents> implements OrderBookSubscription {
  constructor(
    private readonly bookChannel: BookChannel,
    release: () => void,
  ) {
    super(bookChannel, release, () => (bookChannel.isSynced && bookChannel.state === 'subscribed' ? bookChannel.view() : undefined));
  }

  get symbol(): string {
    return this.bookChannel.symbol;
  }
  get bids(): readonly BookLevel[] {
    return this.bookChannel.book.bids;
  }
  get asks(): readonly BookLevel[] {
    return this.bookChannel.book.asks;
  }
  get isSynced(): boolean {
    return this.bookChannel.isSynced;
  }
  get checksumVerified(): boolean {
    return this.bookChannel.checksumVerified;
  }
  view(): OrderBookView {
    return this.bookChannel.view();
  }
}

export function bookSubscription(channel: BookChannel, release: () => void): OrderBookSubscription {
  return new BookSubscriptionHandle(channel, release);
}
