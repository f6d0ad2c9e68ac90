import { z } from 'zod';
import { decimalStringSchema } from './decimal.schema';
import { DEXEventType } from './event-types';

/*
 * What clients receive. Every data event carries the original payload fields plus
 * `room`, `seq` (contiguous per room), `timestamp` (producer time) and `id` (idempotency id).
 */

const deliveredMeta = {
  room: z.string(),
  seq: z.number().int().positive(),
  timestamp: z.number().int(),
  id: z.string(),
};

const bookLevel = z.tuple([decimalStringSchema, decimalStringSchema]);

export const priceUpdateMessageSchema = z.object({
  ...deliveredMeta,
  symbol: z.string(),
  price: decimalStringSchema,
  change: decimalStringSchema.optional(),
  changePercent: decimalStringSchema.optional(),
  volume: decimalStringSchema.optional(),
  high24h: decimalStringSchema.optional(),
  low24h: decimalStringSchema.optional(),
});

export const orderBookUpdateMessageSchema = z.object({
  ...deliveredMeta,
  symbol: z.string(),
  kind: z.enum(['snapshot', 'delta']),
  bids: z.array(bookLevel),
  asks: z.array(bookLevel),
  /** CRC32 of the top levels after this update (Kraken's book checksum), when ingest keeps the book. */
  checksum: z.number().int().nonnegative().optional(),
});

export const tradeNotificationMessageSchema = z.object({
  ...deliveredMeta,
  symbol: z.string(),
  price: decimalStringSchema,
  amount: decimalStringSchema,
  side: z.enum(['buy', 'sell']),
  tradeId: z.string().optional(),
  orderId: z.string().optional(),
  fee: decimalStringSchema.optional(),
  feeAsset: z.string().optional(),
  /** True when the trade is the receiving user's own fill. */
  personal: z.boolean(),
});

export const portfolioUpdateMessageSchema = z.object({
  ...deliveredMeta,
  userId: z.string(),
  totalValue: decimalStringSchema,
  pnl: decimalStringSchema.optional(),
  positions: z.array(z.object({ symbol: z.string(), amount: decimalStringSchema, value: decimalStringSchema })),
});

export const systemAlertMessageSchema = z.object({
  ...deliveredMeta,
  level: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
});

export type PriceUpdateMessage = z.infer<typeof priceUpdateMessageSchema>;
export type OrderBookUpdateMessage = z.infer<typeof orderBookUpdateMessageSchema>;
export type TradeNotificationMessage = z.infer<typeof tradeNotificationMessageSchema>;
export type PortfolioUpdateMessage = z.infer<typeof portfolioUpdateMessageSchema>;
export type SystemAlertMessage = z.infer<typeof systemAlertMessageSchema>;

/** Delivered message type for each event type. */
export interface DeliveredMessageMap {
  [DEXEventType.PRICE_UPDATE]: PriceUpdateMessage;
  [DEXEventType.ORDER_BOOK_UPDATE]: OrderBookUpdateMessage;
  [DEXEventType.TRADE_NOTIFICATION]: TradeNotificationMessage;
  [DEXEventType.PORTFOLIO_UPDATE]: PortfolioUpdateMessage;
  [DEXEventType.SYSTEM_ALERT]: SystemAlertMessage;
}

export type DeliveredMessage = DeliveredMessageMap[DEXEventType];

/** Runtime schema per event type, e.g. for clients that validate what they receive. */
export const DELIVERED_MESSAGE_SCHEMAS = {
  [DEXEventType.PRICE_UPDATE]: priceUpdateMessageSchema,
  [DEXEventType.ORDER_BOOK_UPDATE]: orderBookUpdateMessageSchema,
  [DEXEventType.TRADE_NOTIFICATION]: tradeNotificationMessageSchema,
  [DEXEventType.PORTFOLIO_UPDATE]: portfolioUpdateMessageSchema,
  [DEXEventType.SYSTEM_ALERT]: systemAlertMessageSchema,
} as const;
