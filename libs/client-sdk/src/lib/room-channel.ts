import { ErrorCode, type DeliveredMessage, type JoinRoomAck } from '@moonx-farm/events';
import { GatewayClientError, isTransient } from './client-error';
import { TypedEmitter } from './typed-emitter';

/**
 * - `pending`: waiting for a connection (or for a retry after a transient refusal)
 * - `subscribing`: `join_room` sent, no ack yet
 * - `subscribed`: joined; updates flow in `seq` order
 * - `failed`: the server refused for good (e.g. FORBIDDEN, INVALID_ROOM); retried on the next connection
 * - `unsubscribed`: `unsubscribe()` was called
 */
export type SubscriptionState = 'pending' | 'subscribing' | 'subscribed' | 'failed' | 'unsubscribed';

export interface SubscribedInfo {
  room: string;
  /** The room's seq at the join: the next update carries `seq + 1`. */
  seq: number;
  /** On a re-join after a reconnect: whether every missed event was replayed. */
  resumed?: boolean;
  /** How many missed events the server replayed. */
  replayed?: number;
}

/** Events after `fromSeq` up to `toSeq` could not be replayed (history no longer reaches back). */
export interface GapInfo {
  room: string;
  fromSeq: number;
  toSeq: number;
}

export interface ChannelEvents<TUpdate> {
  update: TUpdate;
  subscribed: SubscribedInfo;
  gap: GapInfo;
  error: GatewayClientError;
}

/** What a channel needs from the client: the socket requests and the retry schedule. */
export interface ChannelHost {
  isReady(): boolean;
  join(room: string, resumeSeq: number | undefined, done: (result: JoinRoomAck | GatewayClientError) => void): void;
  leave(room: string): void;
  retryDelay(attempt: number): number;
}

/** What to do when a `seq` jumps ahead: keep going, re-join resuming from the last seq, or re-join for a fresh snapshot. */
export type GapPolicy = 'accept' | 'resume' | 'resync';

const RECENT_IDS = 2048;

/**
 * One room as the SDK keeps it: joins it on every (re)connection, resuming from the last seq
 * it saw, and passes on the room's messages exactly once and in `seq` order. Messages that
 * arrive while a join is in flight are dropped: the server replays them after its ack.
 */
export abstract class RoomChannel<TUpdate, TEvents extends ChannelEvents<TUpdate> = ChannelEvents<TUpdate>> {
  readonly events = new TypedEmitter<TEvents>();
  state: SubscriptionState = 'pending';
  lastSeq: number | undefined;
  /** The room of the current or last join. */
  joinedRoom: string | undefined;
  private attempt = 0;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly recentIds = new Set<string>();

  constructor(
    protected readonly host: ChannelHost,
    protected readonly gapPolicy: GapPolicy,
    private readonly dedupeById: boolean,
  ) {}

  /** The room to join now, or undefined when it cannot be known yet (a private room before authentication). */
  abstract room(): string | undefined;
  protected abstract applySnapshot(message: DeliveredMessage): void;
  /** Returns 'resync' when the message proves the local state wrong. */
  protected abstract applyMessage(message: DeliveredMessage): 'ok' | 'resync';
  /** A join answered without a snapshot (`resumed`: the replay continues the previous state). */
  protected onJoinedWithoutSnapshot(_seq: number, _resumed: boolean): void {
    // Most rooms have no snapshot: nothing to do.
  }

  /** Joins (or re-joins) the room; with `resume`, from the last seq seen. */
  join(resume = true): void {
    this.clearRetry();
    if (this.state === 'unsubscribed') return;
    const room = this.room();
    if (!this.host.isReady()) {
      this.state = 'pending';
      return;
    }
    if (!room) {
      this.state = 'failed';
      this.events.emit('error', new GatewayClientError(ErrorCode.UNAUTHORIZED, 'a private subscription needs a connection with a token (getToken)'));
      return;
    }
    const attempt = ++this.attempt;
    const resumeSeq = resume && this.joinedRoom === room ? this.lastSeq : undefined;
    if (this.joinedRoom !== room) this.forgetHistory();
    this.joinedRoom = room;
    this.state = 'subscribing';
    this.host.join(room, resumeSeq, (result) => this.onJoinResult(attempt, room, resumeSeq, result));
  }

  /** The connection dropped: wait for the next one, keeping the last seq to resume from. */
  onDisconnected(): void {
    this.whileDisconnected();
    this.attempt++;
    this.clearRetry();
    if (this.state !== 'unsubscribed') this.state = 'pending';
  }

  /** A live message of this room. */
  receive(message: DeliveredMessage): void {
    if (this.state !== 'subscribed' || this.lastSeq === undefined || message.seq <= this.lastSeq) return;
    if (message.seq > this.lastSeq + 1 && this.gapPolicy !== 'accept') {
      this.recover(this.gapPolicy === 'resume' ? 'resume' : 'resync', 'gap');
      return;
    }
    this.lastSeq = message.seq;
    if (this.dedupeById && this.seenBefore(message.id)) return;
    if (this.applyMessage(message) === 'resync') this.recover('resync', 'checksum');
  }

  /** A `snapshot` the server sends after skipping updates for a slow socket: state as of its seq. */
  receiveSnapshot(message: DeliveredMessage): void {
    if (this.state !== 'subscribed' || this.lastSeq === undefined || message.seq <= this.lastSeq) return;
    this.lastSeq = message.seq;
    this.applySnapshot(message);
  }

  /** The last handle unsubscribed. */
  close(): void {
    if (this.state === 'unsubscribed') return;
    const wasJoined = this.state === 'subscribed' || this.state === 'subscribing';
    this.state = 'unsubscribed';
    this.attempt++;
    this.clearRetry();
    if (wasJoined && this.joinedRoom && this.host.isReady()) this.host.leave(this.joinedRoom);
    this.events.removeAll();
  }

  /** Re-joins after a gap or a wrong checksum; repeated attempts back off. */
  protected recover(mode: 'resume' | 'resync', reason: 'gap' | 'checksum'): void {
    this.beforeRecover(reason);
    this.state = 'subscribing';
    const delay = this.retries === 0 ? 0 : this.host.retryDelay(this.retries - 1);
    this.retries++;
    this.attempt++;
    if (delay === 0) this.join(mode === 'resume');
    else this.retryTimer = setTimeout(() => this.join(mode === 'resume'), delay);
  }

  protected whileDisconnected(): void {
    // The order book says it is no longer live here.
  }

  protected beforeRecover(_reason: 'gap' | 'checksum'): void {
    // The order book marks itself out of sync here.
  }

  /** Called by subclasses once state is proven good again, so the next recovery starts without delay. */
  protected settled(): void {
    this.retries = 0;
  }

  private onJoinResult(attempt: number, room: string, resumeSeq: number | undefined, result: JoinRoomAck | GatewayClientError): void {
    if (attempt !== this.attempt || this.state === 'unsubscribed') return;
    if (result instanceof GatewayClientError || !result.ok) {
      const error = result instanceof GatewayClientError ? result : GatewayClientError.fromBody(result.error, room);
      const transient = isTransient(error.code);
      // The state is settled before listeners hear of the error, so they can read it.
      this.state = transient ? 'pending' : 'failed';
      if (transient) this.retryTimer = setTimeout(() => this.join(true), error.retryAfterMs ?? this.host.retryDelay(this.retries++));
      this.events.emit('error', error);
      return;
    }
    if (resumeSeq !== undefined && result.resumed === false) {
      this.events.emit('gap', { room, fromSeq: resumeSeq, toSeq: result.seq });
    }
    this.lastSeq = result.seq;
    this.state = 'subscribed';
    const info: SubscribedInfo = { room, seq: result.seq };
    if (result.resumed !== undefined) info.resumed = result.resumed;
    if (result.replayed !== undefined) info.replayed = result.replayed;
    this.events.emit('subscribed', info);
    if (result.snapshot) this.applySnapshot(result.snapshot);
    else this.onJoinedWithoutSnapshot(result.seq, result.resumed === true);
  }

  private seenBefore(id: string): boolean {
    if (this.recentIds.has(id)) return true;
    this.recentIds.add(id);
    // A Set iterates in insertion order, so the first entry is the oldest.
    if (this.recentIds.size > RECENT_IDS) this.recentIds.delete(this.recentIds.values().next().value as string);
    return false;
  }

  private forgetHistory(): void {
    this.lastSeq = undefined;
    this.recentIds.clear();
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}

/**
 * A room whose messages are passed on as they are: prices (latest wins, a skipped seq is
 * fine), trades, portfolio, orders and alerts (a gap is filled by resuming; duplicates are
 * dropped by id).
 */
export class MessageChannel<T extends DeliveredMessage> extends RoomChannel<T> {
  latest: T | undefined;

  constructor(
    host: ChannelHost,
    private readonly roomOf: () => string | undefined,
    gapPolicy: GapPolicy,
    dedupeById: boolean,
  ) {
    super(host, gapPolicy, dedupeById);
  }

  room(): string | undefined {
    return this.roomOf();
  }

  protected applySnapshot(message: DeliveredMessage): void {
    this.applyMessage(message);
  }

  protected applyMessage(message: DeliveredMessage): 'ok' {
    this.latest = message as T;
    this.settled();
    this.events.emit('update', message as T);
    return 'ok';
  }
}
