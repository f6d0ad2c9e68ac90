import {
  describeValidationError,
  eventTypeForTopic,
  producerEventSchema,
  type NormalisedEvent,
} from '@moonx-farm/events';
import type { RawEvent } from '@moonx-farm/server-core';

export type DecodeResult = { ok: true; event: NormalisedEvent; eventId: string } | { ok: false; reason: string };

/** Largest raw event accepted; anything bigger is a producer bug, not market data. */
export const MAX_EVENT_BYTES = 512 * 1024;

/**
 * Raw Kafka bytes → a validated, normalised event, or the reason it is not one.
 * The event id is the producer's `id`, else the Kafka coordinates, which are stable across
 * redeliveries: that is what makes sequencing idempotent on replay.
 */
export function decodeRawEvent(raw: RawEvent): DecodeResult {
  if (raw.value === null || raw.value.length === 0) return { ok: false, reason: 'empty message' };
  if (raw.value.length > MAX_EVENT_BYTES) {
    return { ok: false, reason: `message of ${raw.value.length} bytes exceeds ${MAX_EVENT_BYTES}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = producerEventSchema.safeParse(json);
  if (!result.success) return { ok: false, reason: describeValidationError(result.error) };
  const event = result.data;
  const expectedType = eventTypeForTopic(raw.topic);
  if (expectedType !== undefined && expectedType !== event.type) {
    return { ok: false, reason: `event type "${event.type}" does not belong on topic "${raw.topic}"` };
  }
  return { ok: true, event, eventId: event.id ?? `${raw.topic}-${raw.partition}-${raw.offset}` };
}
