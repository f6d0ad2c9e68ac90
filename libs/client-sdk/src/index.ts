// @moonx-farm/client-sdk: the browser and Node client of the MoonX Farm realtime gateway.
export { createGatewayClient } from './lib/gateway-client';
export type { GatewayClient } from './lib/gateway-client';
export type {
  ConnectedInfo,
  ConnectionState,
  DisconnectedInfo,
  GatewayClientEvents,
  GatewayClientOptions,
  StateChange,
} from './lib/connection';
export type { LatestSubscription, OrderBookSubscription, Subscription } from './lib/subscription';
export type { ChannelEvents as SubscriptionEvents, GapInfo, SubscribedInfo, SubscriptionState } from './lib/room-channel';
export type { OrderBookEvents, OrderBookView, ResyncInfo } from './lib/book-channel';
export { LocalOrderBook } from './lib/order-book';
export type { BookApplyResult, BookSide } from './lib/order-book';
export { ClientErrorCode, GatewayClientError } from './lib/client-error';
export type { GatewayClientErrorCode } from './lib/client-error';
export { backoffDelay, DEFAULT_BACKOFF } from './lib/backoff';
export type { BackoffOptions } from './lib/backoff';
export { decimalToNumber, formatDecimal } from './lib/decimal-format';
export type { FormatDecimalOptions } from './lib/decimal-format';
export { tokenExpiry } from './lib/token-expiry';
export { TypedEmitter } from './lib/typed-emitter';
export type { EventMap, Listener } from './lib/typed-emitter';

// The contract pieces an application needs, so it imports one package.
export { bookChecksum, compareDecimals, createRoomName, ErrorCode, isZeroDecimal, toDecimalString } from '@moonx-farm/events';
export type {
  BookLevel,
  DecimalParseResult,
  DecimalString,
  DeliveredMessage,
  GatewayErrorBody,
  OrderBookUpdateMessage,
  PortfolioUpdateMessage,
  PriceUpdateMessage,
  SystemAlertMessage,
  TradeNotificationMessage,
} from '@moonx-farm/events';
