import {
  createRoomName,
  normaliseSymbol,
  SYSTEM_ALERTS_ROOM,
  type DeliveredMessage,
  type JoinRoomAck,
  type PortfolioUpdateMessage,
  type PriceUpdateMessage,
  type SystemAlertMessage,
  type TradeNotificationMessage,
} from '@moonx-farm/events';
import { BookChannel } from './book-channel';
import { ClientErrorCode, GatewayClientError } from './client-error';
import { Connection, type ConnectionState, type GatewayClientEvents, type GatewayClientOptions } from './connection';
import { MessageChannel, type ChannelHost, type GapPolicy, type RoomChannel } from './room-channel';
import { bookSubscription, messageSubscription, type LatestSubscription, type OrderBookSubscription } from './subscription';
import { TypedEmitter, type Listener } from './typed-emitter';

/**
 * A connection to the gateway with typed, reconnect-safe subscriptions.
 *
 * @example
 * const client = createGatewayClient({ url: 'http://localhost:3007', getToken: () => auth.token() });
 * client.on('state', ({ state }) => badge.textContent = state);
 * client.price('BTC-USDC').on('update', (update) => console.log(update.price));
 * client.trades().on('update', (fill) => notify(fill)); // the user's own fills, each once
 */
export interface GatewayClient {
  readonly state: ConnectionState;
  /** The authenticated user, once connected with a token. */
  readonly userId: string | undefined;
  readonly connectionId: string | undefined;
  on<K extends keyof GatewayClientEvents & string>(event: K, listener: Listener<GatewayClientEvents[K]>): () => void;
  connect(): void;
  /** Closes the connection and stops reconnecting; subscriptions stay and resume on `connect()`. */
  disconnect(): void;
  /** Drops the connection and connects again, calling `getToken` (e.g. after the user signed in). */
  reconnect(): void;
  /** Latest price of a pair; the join snapshot comes first. */
  price(symbol: string): LatestSubscription<PriceUpdateMessage>;
  /** Public trades of a pair. */
  trades(symbol: string): LatestSubscription<TradeNotificationMessage>;
  /** The user's own fills (needs a token), each exactly once, in order. */
  trades(): LatestSubscription<TradeNotificationMessage>;
  /** A local order book kept correct by the SDK. */
  orderBook(symbol: string): OrderBookSubscription;
  /** The user's portfolio (needs a token). */
  portfolio(): LatestSubscription<PortfolioUpdateMessage>;
  /** Events of the user's `orders:` room (needs a token). */
  orders(): LatestSubscription<DeliveredMessage>;
  /** Platform-wide alerts. */
  systemAlerts(): LatestSubscription<SystemAlertMessage>;
}

/**
 * Creates a client. It connects at once unless `autoConnect: false`.
 *
 * @example
 * const client = createGatewayClient({ url: 'http://localhost:3007' });
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return new GatewayClientImpl(options);
}

type PrivateKind = 'user' | 'portfolio' | 'orders';

/** What the client does with any channel, whatever its messages. */
type ManagedChannel = Pick<RoomChannel<unknown>, 'join' | 'onDisconnected' | 'receive' | 'receiveSnapshot' | 'close' | 'joinedRoom'>;

interface ChannelEntry {
  channel: ManagedChannel;
  holders: number;
}

class GatewayClientImpl implements GatewayClient {
  private readonly events = new TypedEmitter<GatewayClientEvents>();
  private readonly connection: Connection;
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly host: ChannelHost;

  constructor(options: GatewayClientOptions) {
    this.connection = new Connection(options, this.events, {
      ready: () => this.channels.forEach(({ channel }) => channel.join(true)),
      lost: () => this.channels.forEach(({ channel }) => channel.onDisconnected()),
    });
    this.host = {
      isReady: () => this.connection.state === 'connected',
      join: (room, resumeSeq, done) => this.requestJoin(room, resumeSeq, done),
      leave: (room) => this.connection.request('leave_room', { room }, () => undefined),
      retryDelay: (attempt) => this.connection.retryDelay(attempt),
    };
    this.routeRoomEvents();
    if (options.autoConnect !== false) this.connection.connect();
  }

  get state(): ConnectionState {
    return this.connection.state;
  }
  get userId(): string | undefined {
    return this.connection.userId;
  }
  get connectionId(): string | undefined {
    return this.connection.connectionId;
  }

  on<K extends keyof GatewayClientEvents & string>(event: K, listener: Listener<GatewayClientEvents[K]>): () => void {
    return this.events.on(event, listener);
  }

  connect(): void {
    this.connection.connect();
  }

  disconnect(): void {
    this.connection.disconnect();
  }

  reconnect(): void {
    this.connection.reconnect();
  }

  price(symbol: string): LatestSubscription<PriceUpdateMessage> {
    const room = createRoomName.price(symbol);
    return this.messages<PriceUpdateMessage>(room, () => room, 'accept', true);
  }

  trades(symbol?: string): LatestSubscription<TradeNotificationMessage> {
    if (symbol === undefined) return this.privateMessages<TradeNotificationMessage>('user');
    const room = createRoomName.trade(symbol);
    return this.messages<TradeNotificationMessage>(room, () => room, 'resume', false);
  }

  orderBook(symbol: string): OrderBookSubscription {
    const channel = this.acquire(createRoomName.orderbook(symbol), () => new BookChannel(this.host, normaliseSymbol(symbol)));
    return bookSubscription(channel, () => this.release(channel.room()));
  }

  portfolio(): LatestSubscription<PortfolioUpdateMessage> {
    return this.privateMessages<PortfolioUpdateMessage>('portfolio', true);
  }

  orders(): LatestSubscription<DeliveredMessage> {
    return this.privateMessages<DeliveredMessage>('orders');
  }

  systemAlerts(): LatestSubscription<SystemAlertMessage> {
    return this.messages<SystemAlertMessage>(SYSTEM_ALERTS_ROOM, () => SYSTEM_ALERTS_ROOM, 'resume', false);
  }

  private privateMessages<T extends DeliveredMessage>(kind: PrivateKind, replayLatest = false): LatestSubscription<T> {
    const roomOf = () => (this.connection.userId ? createRoomName[kind](this.connection.userId) : undefined);
    return this.messages<T>(`private:${kind}`, roomOf, 'resume', replayLatest);
  }

  /** Streams that resume (fills, trades, alerts) are also de-duplicated by event id: a fill must reach the application once. */
  private messages<T extends DeliveredMessage>(key: string, roomOf: () => string | undefined, gapPolicy: GapPolicy, replayLatest: boolean): LatestSubscription<T> {
    const dedupeById = gapPolicy === 'resume';
    const channel = this.acquire(key, () => new MessageChannel<T>(this.host, roomOf, gapPolicy, dedupeById));
    return messageSubscription(channel, () => this.release(key), replayLatest);
  }

  private acquire<C extends ManagedChannel>(key: string, create: () => C): C {
    let entry = this.channels.get(key);
    if (!entry) {
      entry = { channel: create(), holders: 0 };
      this.channels.set(key, entry);
      entry.channel.join(true);
    }
    entry.holders++;
    // The key determines the channel's class: a key is always created by the same factory.
    return entry.channel as C;
  }

  private release(key: string): void {
    const entry = this.channels.get(key);
    if (!entry || --entry.holders > 0) return;
    this.channels.delete(key);
    entry.channel.close();
  }

  private requestJoin(room: string, resumeSeq: number | undefined, done: (result: JoinRoomAck | GatewayClientError) => void): void {
    const request = resumeSeq === undefined ? { room } : { room, resume: { seq: resumeSeq } };
    this.connection.request('join_room', request, (ack) => {
      done(ack ?? new GatewayClientError(ClientErrorCode.REQUEST_TIMEOUT, `join_room ${room}: no answer in time`, undefined, room));
    });
  }

  private channelOf(room: string): ManagedChannel | undefined {
    // Few rooms per client: a scan is cheaper than keeping a second index in step.
    for (const { channel } of this.channels.values()) if (channel.joinedRoom === room) return channel;
    return undefined;
  }

  private routeRoomEvents(): void {
    const socket = this.connection.socket;
    const route = (message: DeliveredMessage) => this.channelOf(message.room)?.receive(message);
    socket.on('price_update', route);
    socket.on('order_book_update', route);
    socket.on('trade_notification', route);
    socket.on('portfolio_update', route);
    socket.on('system_alert', route);
    socket.on('snapshot', (message) => this.channelOf(message.room)?.receiveSnapshot(message));
    // Batched delivery: the updates of one burst in one frame, in order.
    socket.on('batch', (items) => {
      for (const [, message] of items) route(message);
    });
  }
}
