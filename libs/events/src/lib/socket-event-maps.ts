import type { ErrorCode, GatewayErrorBody } from './error-codes';
import type {
  OrderBookUpdateMessage,
  PortfolioUpdateMessage,
  PriceUpdateMessage,
  SystemAlertMessage,
  TradeNotificationMessage,
  DeliveredMessage,
} from './delivered-event.schema';
import type { DEXEventType } from './event-types';

/*
 * The Socket.IO protocol, written once: the gateway, the SDK and the tests all type their
 * sockets with these maps, e.g. `Server<ClientToServerEvents, ServerToClientEvents>`.
 */

export interface JoinRoomRequest {
  room: string;
  /** Resume after the last `seq` the client saw; missed events are replayed from history. */
  resume?: { seq: number };
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: GatewayErrorBody };

export interface JoinRoomResult {
  room: string;
  /** The room's current sequence: the next event carries `seq + 1`. */
  seq: number;
  /** The latest state of a public room (price or book), if the room has one. */
  snapshot?: DeliveredMessage;
  /** With `resume`: true when every missed event was replayed, false when a fresh snapshot is sent instead. */
  resumed?: boolean;
  /** With `resume`: how many events were replayed. */
  replayed?: number;
}

export interface LeaveRoomRequest {
  room: string;
}
export interface LeaveRoomResult {
  room: string;
}
export interface SubscribeRequest {
  /** Event types this socket wants; an empty list means all. */
  types: DEXEventType[];
}
export interface SubscribeResult {
  types: DEXEventType[];
}
export interface RefreshTokenRequest {
  token: string;
}
export interface RefreshTokenResult {
  expiresAt: number;
}
export interface PongPayload {
  timestamp: number;
}

export type JoinRoomAck = Ack<JoinRoomResult>;
export type LeaveRoomAck = Ack<LeaveRoomResult>;
export type SubscribeAck = Ack<SubscribeResult>;
export type RefreshTokenAck = Ack<RefreshTokenResult>;

/** Client → server. Every request accepts an ack; without one, the reply arrives as an event. */
export interface ClientToServerEvents {
  join_room: (request: JoinRoomRequest, ack?: (reply: JoinRoomAck) => void) => void;
  leave_room: (request: LeaveRoomRequest, ack?: (reply: LeaveRoomAck) => void) => void;
  subscribe: (request: SubscribeRequest, ack?: (reply: SubscribeAck) => void) => void;
  refresh_token: (request: RefreshTokenRequest, ack?: (reply: RefreshTokenAck) => void) => void;
  ping: (request?: Record<string, never>, ack?: (reply: PongPayload) => void) => void;
}

export interface ConnectedPayload {
  connectionId: string;
  timestamp: number;
}
export interface AuthenticatedPayload {
  user: { id: string };
}
export interface ErrorPayload extends GatewayErrorBody {
  /** The client event this error answers, when it answers one. */
  request?: keyof ClientToServerEvents;
  code: ErrorCode;
}
export interface ShutdownPayload {
  reconnectInMs: number;
  reason: string;
}

export type DeliveredEventName = 'price_update' | 'order_book_update' | 'trade_notification' | 'portfolio_update' | 'system_alert';
export type BatchedItem = [event: DeliveredEventName, message: DeliveredMessage];

/** Server → client. */
export interface ServerToClientEvents {
  connected: (payload: ConnectedPayload) => void;
  authenticated: (payload: AuthenticatedPayload) => void;
  price_update: (message: PriceUpdateMessage) => void;
  order_book_update: (message: OrderBookUpdateMessage) => void;
  trade_notification: (message: TradeNotificationMessage) => void;
  portfolio_update: (message: PortfolioUpdateMessage) => void;
  system_alert: (message: SystemAlertMessage) => void;
  snapshot: (message: DeliveredMessage & { type: DEXEventType }) => void;
  error: (payload: ErrorPayload) => void;
  pong: (payload: PongPayload) => void;
  shutdown: (payload: ShutdownPayload) => void;
  /**
   * Batched delivery (handshake `auth: { batch: true }`): the updates a socket is owed, in one
   * frame, each as [event name, message], grouped by room and each room's in seq order (rooms
   * are independent streams). A lone update still comes as its own event.
   */
  batch: (items: BatchedItem[]) => void;
  /** Replies to requests sent without an ack callback. */
  room_joined: (reply: JoinRoomAck) => void;
  room_left: (reply: LeaveRoomAck) => void;
  subscribed: (reply: SubscribeAck) => void;
  token_refreshed: (reply: RefreshTokenAck) => void;
}

/** Event name used to reply when a request came without an ack callback. */
export const REPLY_EVENTS = {
  join_room: 'room_joined',
  leave_room: 'room_left',
  subscribe: 'subscribed',
  refresh_token: 'token_refreshed',
  ping: 'pong',
} as const satisfies Record<keyof ClientToServerEvents, keyof ServerToClientEvents>;
