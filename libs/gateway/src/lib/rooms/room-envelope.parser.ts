import { DEX_EVENT_TYPES, type DEXEventType, type DeliveredMessage } from '@moonx-farm/events';

export interface ParsedEnvelope {
  type: DEXEventType;
  seq: number;
  payload: DeliveredMessage;
  publishedAt: number;
}

/**
 * Envelopes come from our own ingest, but the channel is open to any producer: anything
 * that is not a well-formed envelope is dropped rather than trusted.
 */
export function parseEnvelope(raw: string): ParsedEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const envelope = value as Partial<ParsedEnvelope> & { v?: unknown };
  if (envelope.v !== 1 || typeof envelope.seq !== 'number' || !DEX_EVENT_TYPES.includes(envelope.type as DEXEventType)) {
    return undefined;
  }
  if (typeof envelope.payload !== 'object' || envelope.payload === null) return undefined;
  return {
    type: envelope.type as DEXEventType,
    seq: envelope.seq,
    payload: envelope.payload,
    publishedAt: typeof envelope.publishedAt === 'number' ? envelope.publishedAt : 0,
  };
}
