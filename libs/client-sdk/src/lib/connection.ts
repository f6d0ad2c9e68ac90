import type { ClientToServerEvents, ServerToClientEvents } from '@moonx-farm/events';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { ClientErrorCode, errorFromConnectError, GatewayClientError } from './client-error';
import { tokenExpiry } from './token-expiry';
import type { TypedEmitter } from './typed-emitter';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

export type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface GatewayClientOptions {
  /** The gateway's origin, e.g. `http://localhost:3007` (Socket.IO picks ws:// or wss:// from it). */
  url: string;
  /**
   * Returns the access token, or nothing for an anonymous connection (public rooms only).
   * Called before every connection attempt and again before the token expires.
   */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Connect on creation (default true); otherwise call `connect()`. */
  autoConnect?: boolean;
  /** Reconnect delays: exponential with jitter (defaults: 500 ms doubling up to 15 s, 50% jitter). */
  reconnect?: Partial<BackoffOptions>;
  /** How long before expiry a token is refreshed, ms (default 60 s; at most half the token's remaining life). */
  refreshTokenBeforeMs?: number;
  /** How long to wait for the server's answer to a request, ms (default 10 s). */
  requestTimeoutMs?: number;
  /** Extra Socket.IO client options (e.g. `path`). Transports stay `['websocket']`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

type RequestOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends keyof ClientToServerEvents> = Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0];

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
}

export interface ConnectedInfo {
  connectionId: string;
  /** Set when the connection is authenticated. */
  userId?: string;
}

export interface DisconnectedInfo {
  reason: string;
  /** Whether the client will connect again on its own. */
  willReconnect: boolean;
}

export interface GatewayClientEvents {
  state: StateChange;
  connected: ConnectedInfo;
  disconnected: DisconnectedInfo;
  error: GatewayClientError;
  tokenRefreshed: { expiresAt: number };
}

interface ConnectionHooks {
  ready(userId: string | undefined): void;
  lost(): void;
}

/**
 * The socket's life: connects with a fresh token, waits for the server's greeting, reconnects
 * with backoff (or, after a `shutdown` notice, after the delay the draining server asks for),
 * refreshes the token before it expires. Socket.IO's own reconnection is off, so every attempt goes through `getToken`.
 */
export class Connection {
  state: ConnectionState = 'disconnected';
  userId: string | undefined;
  connectionId: string | undefined;
  readonly socket: GatewaySocket;
  readonly backoff: BackoffOptions;
  readonly requestTimeoutMs: number;
  private wanted = false;
  private attempts = 0;
  private generation = 0;
  private token: string | undefined;
  private tokenExpiresAt: number | undefined;
  private refreshFailures = 0;
  private shutdownDelay: number | undefined;
  private readonly timers: Record<'reconnect' | 'refresh', ReturnType<typeof setTimeout> | undefined> = {
    reconnect: undefined,
    refresh: undefined,
  };

  constructor(
    private readonly options: GatewayClientOptions,
    private readonly events: TypedEmitter<GatewayClientEvents>,
    private readonly hooks: ConnectionHooks,
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10000;
    this.socket = io(options.url, {
      ...options.socketOptions,
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
    });
    this.listen();
  }

  connect(): void {
    this.wanted = true;
    if (this.state !== 'disconnected') return;
    this.setState('connecting');
    void this.open();
  }

  disconnect(): void {
    this.wanted = false;
    this.generation++;
    Object.keys(this.timers).forEach((name) => this.clearTimer(name as keyof Connection['timers']));
    // When connected, this emits `disconnect` at once, whose handler tells the subscriptions.
    this.socket.disconnect();
    if (this.state === 'connected') this.hooks.lost();
    this.setState('disconnected');
  }

  /** Drops the connection (if any) and connects again at once, with a fresh token. */
  reconnect(): void {
    if (!this.wanted || this.state === 'disconnected') return this.connect();
    this.attempts = 0;
    // When connected, this emits `disconnect` at once: subscriptions are told, state goes to connecting.
    this.socket.disconnect();
    this.setState('connecting');
    void this.open();
  }

  /** Sends a request and waits for its ack; `undefined` when none came in `requestTimeoutMs`. */
  request<E extends 'join_room' | 'leave_room' | 'refresh_token'>(event: E, payload: RequestOf<E>, done: (reply: AckOf<E> | undefined) => void): void {
    // Socket.IO's timeout() typing skips optional ack parameters, so the call is typed here instead.
    const timed = this.socket.timeout(this.requestTimeoutMs) as unknown as {
      emit(event: E, payload: RequestOf<E>, ack: (timeout: Error | null, reply: AckOf<E>) => void): void;
    };
    timed.emit(event, payload, (timeout, reply) => done(timeout ? undefined : reply));
  }

  retryDelay(attempt: number): number {
    return backoffDelay(attempt, this.backoff);
  }

  private listen(): void {
    const socket = this.socket;
    socket.on('connected', ({ connectionId }) => {
      this.connectionId = connectionId;
      // An authenticated socket is greeted twice; it is ready after `authenticated`.
      if (!this.token) this.ready(undefined);
    });
    socket.on('authenticated', ({ user }) => this.ready(user.id));
    socket.on('connect_error', (error) => {
      const refusal = errorFromConnectError(error);
      this.events.emit('error', refusal);
      // A busy or draining server says when to come back (SERVER_BUSY, AUTH_UNAVAILABLE).
      this.scheduleReconnect(refusal.retryAfterMs);
    });
    socket.on('disconnect', (reason) => {
      this.clearTimer('refresh');
      const wasConnected = this.state === 'connected';
      if (wasConnected) this.hooks.lost();
      this.events.emit('disconnected', { reason, willReconnect: this.wanted });
      if (!this.wanted) return this.setState('disconnected');
      this.setState('connecting');
      this.scheduleReconnect();
    });
    socket.on('shutdown', ({ reconnectInMs }) => {
      // The server is draining and will close this socket: when it does, come back after the
      // delay it asks for (plus a little jitter), to whichever replica is then up.
      this.shutdownDelay = Math.max(0, reconnectInMs) * (1 + 0.2 * Math.random());
    });
    socket.on('error', (payload) => this.events.emit('error', GatewayClientError.fromBody(payload)));
  }

  private async open(): Promise<void> {
    this.clearTimer('reconnect');
    const generation = ++this.generation;
    let token: string | undefined;
    try {
      token = (await this.options.getToken?.()) || undefined;
    } catch (error) {
      if (generation !== this.generation) return;
      this.events.emit('error', new GatewayClientError(ClientErrorCode.TOKEN_PROVIDER_FAILED, `getToken failed: ${(error as Error)?.message ?? String(error)}`));
      return this.scheduleReconnect();
    }
    if (generation !== this.generation || !this.wanted || this.socket.connected) return;
    this.token = token;
    this.tokenExpiresAt = token ? tokenExpiry(token) : undefined;
    // batch: one frame per burst of updates (far cheaper for both ends); same messages, same order.
    this.socket.auth = token ? { token, batch: true } : { batch: true };
    this.socket.connect();
  }

  private ready(userId: string | undefined): void {
    if (this.state === 'connected') return;
    this.userId = userId;
    this.attempts = 0;
    this.refreshFailures = 0;
    this.setState('connected');
    this.scheduleRefresh();
    this.events.emit('connected', { connectionId: this.connectionId ?? this.socket.id ?? '', ...(userId ? { userId } : {}) });
    this.hooks.ready(userId);
  }

  private scheduleReconnect(notBeforeMs = 0): void {
    if (!this.wanted) return;
    this.clearTimer('reconnect');
    const delay = this.shutdownDelay ?? Math.max(notBeforeMs, backoffDelay(this.attempts++, this.backoff));
    this.shutdownDelay = undefined;
    this.timers.reconnect = setTimeout(() => void this.open(), delay);
  }

  private scheduleRefresh(): void {
    this.clearTimer('refresh');
    if (!this.token || !this.options.getToken || this.tokenExpiresAt === undefined) return;
    const remaining = this.tokenExpiresAt - Date.now();
    const lead = Math.min(this.options.refreshTokenBeforeMs ?? 60000, remaining / 2);
    this.timers.refresh = setTimeout(() => void this.refresh(), Math.max(0, remaining - lead));
  }

  private async refresh(): Promise<void> {
    const connectionId = this.connectionId;
    const stillCurrent = () => this.state === 'connected' && this.connectionId === connectionId;
    const retry = (error: GatewayClientError) => {
      this.events.emit('error', error);
      if (!stillCurrent()) return;
      this.timers.refresh = setTimeout(() => void this.refresh(), this.retryDelay(this.refreshFailures++));
    };
    let token: string | undefined;
    try {
      token = (await this.options.getToken?.()) || undefined;
    } catch (error) {
      return retry(new GatewayClientError(ClientErrorCode.TOKEN_PROVIDER_FAILED, `getToken failed: ${(error as Error)?.message ?? String(error)}`));
    }
    if (!token || !stillCurrent()) return;
    this.request('refresh_token', { token }, (reply) => {
      if (!stillCurrent()) return;
      if (!reply) return retry(new GatewayClientError(ClientErrorCode.REQUEST_TIMEOUT, 'refresh_token: no answer in time'));
      if (!reply.ok) return retry(GatewayClientError.fromBody(reply.error));
      this.token = token;
      this.socket.auth = { token, batch: true };
      this.tokenExpiresAt = reply.expiresAt;
      this.refreshFailures = 0;
      this.events.emit('tokenRefreshed', { expiresAt: reply.expiresAt });
      this.scheduleRefresh();
    });
  }

  private setState(state: ConnectionState): void {
    const previous = this.state;
    if (previous === state) return;
    this.state = state;
    if (state !== 'connected') {
      this.connectionId = undefined;
    }
    this.events.emit('state', { state, previous });
  }

  private clearTimer(name: keyof Connection['timers']): void {
    const timer = this.timers[name];
    if (timer !== undefined) clearTimeout(timer);
    this.timers[name] = undefined;
  }
}
