import { z } from 'zod';
import { DEXEventType } from './event-types';
import {
  decimalInputSchema,
  nonNegativeDecimalInputSchema,
  positiveDecimalInputSchema,
} from './decimal.schema';
import { SYMBOL_PATTERN, USER_ID_PATTERN, normaliseSymbol } from './room-names';

/*
 * What backend services publish to the raw Kafka topics. Parsing an event with these schemas
 * is validation and normalisation at once: symbols come out upper-case, every price and
 * amount comes out as a canonical decimal string, unknown fields are dropped.
 */

export const MAX_BOOK_LEVELS = 1000;
export const MAX_POSITIONS = 500;

const symbolSchema = z
  .string()
  .max(40)
  .transform(normaliseSymbol)
  .refine((symbol) => SYMBOL_PATTERN.test(symbol), { message: 'must be a symbol like BTC-USDC' });
const userIdSchema = z.string().regex(USER_ID_PATTERN, 'must be a valid user id');
const eventIdSchema = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9_.:@-]');
const shortText = z.string().max(128);

const metadataSchema = z.object({
  priority: z.enum(['low', 'medium', 'high']).optional(),
  source: shortText.optional(),
  traceId: shortText.optional(),
  version: z.string().max(32).optional(),
});

const baseFields = {
  /** Idempotency id. Optional for producers; ingest derives one from the Kafka coordinates. */
  id: eventIdSchema.optional(),
  /** Producer time, epoch milliseconds. */
  timestamp: z.number().int().positive().max(8_640_000_000_000),
  metadata: metadataSchema.optional(),
};

const bookLevelSchema = z.tuple([positiveDecimalInputSchema, nonNegativeDecimalInputSchema]);

export const priceUpdateEventSchema = z.object({
  ...baseFields,
  type: z.literal(DEXEventType.PRICE_UPDATE),
  symbol: symbolSchema,
  data: z.object({
    price: positiveDecimalInputSchema,
    change: decimalInputSchema.optional(),
    changePercent: decimalInputSchema.optional(),
    volume: nonNegativeDecimalInputSchema.optional(),
    high24h: positiveDecimalInputSchema.optional(),
    low24h: positiveDecimalInputSchema.optional(),
  }),
});

export const orderBookUpdateEventSchema = z.object({
  ...baseFields,
  type: z.literal(DEXEventType.ORDER_BOOK_UPDATE),
  symbol: symbolSchema,
  data: z.object({
    /** A snapshot replaces the book; a delta sets absolute sizes per level (size 0 deletes). */
    kind: z.enum(['snapshot', 'delta']).default('snapshot'),
    bids: z.array(bookLevelSchema).max(MAX_BOOK_LEVELS),
    asks: z.array(bookLevelSchema).max(MAX_BOOK_LEVELS),
  }),
});

export const tradeNotificationEventSchema = z.object({
  ...baseFields,
  type: z.literal(DEXEventType.TRADE_NOTIFICATION),
  symbol: symbolSchema,
  /** With a user id the trade is that user's fill (private); without, a public market trade. */
  userId: userIdSchema.optional(),
  data: z.object({
    price: positiveDecimalInputSchema,
    amount: positiveDecimalInputSchema,
    side: z.enum(['buy', 'sell']),
    tradeId: shortText.optional(),
    orderId: shortText.optional(),
    fee: nonNegativeDecimalInputSchema.optional(),
    feeAsset: z.string().max(16).optional(),
  }),
});

export const portfolioUpdateEventSchema = z.object({
  ...baseFields,
  type: z.literal(DEXEventType.PORTFOLIO_UPDATE),
  userId: userIdSchema,
  data: z.object({
    totalValue: decimalInputSchema,
    pnl: decimalInputSchema.optional(),
    positions: z
      .array(z.object({ symbol: symbolSchema, amount: decimalInputSchema, value: decimalInputSchema }))
      .max(MAX_POSITIONS)
      .default([]),
  }),
});

export const systemAlertEventSchema = z.object({
  ...baseFields,
  type: z.literal(DEXEventType.SYSTEM_ALERT),
  data: z.object({
    level: z.enum(['info', 'warning', 'critical']),
    message: z.string().min(1).max(2000),
  }),
});

/**
 * Any producer event, discriminated by `type`.
 *
 * @example
 * const result = producerEventSchema.safeParse(JSON.parse(bytes));
 * if (result.success) result.data.type; // narrowed, decimals are strings
 */
export const producerEventSchema = z.discriminatedUnion('type', [
  priceUpdateEventSchema,
  orderBookUpdateEventSchema,
  tradeNotificationEventSchema,
  portfolioUpdateEventSchema,
  systemAlertEventSchema,
]);

/** What a producer may send (numbers or strings for decimals). */
export type ProducerEventInput = z.input<typeof producerEventSchema>;
/** A validated, normalised event (decimals as canonical strings). */
export type NormalisedEvent = z.output<typeof producerEventSchema>;
export type NormalisedEventOf<T extends DEXEventType> = Extract<NormalisedEvent, { type: T }>;
export type ProducerEventInputOf<T extends DEXEventType> = Extract<ProducerEventInput, { type: T }>;
