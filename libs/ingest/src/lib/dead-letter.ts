import type { OutgoingMessage, RawEvent } from '@moonx-farm/server-core';

/** What a dead letter carries: why, where it came from, and the original bytes untouched. */
export interface DeadLetter {
  reason: string;
  source: { topic: string; partition: number; offset: string; key: string | null; timestamp: number };
  /** The original value, base64: it may not be valid UTF-8 or JSON. */
  originalBase64: string | null;
  rejectedAt: number;
}

export function deadLetterOf(raw: RawEvent, reason: string, now = Date.now()): OutgoingMessage {
  const letter: DeadLetter = {
    reason,
    source: { topic: raw.topic, partition: raw.partition, offset: raw.offset, key: raw.key, timestamp: raw.timestamp },
    originalBase64: raw.value === null ? null : raw.value.toString('base64'),
    rejectedAt: now,
  };
  return {
    key: raw.key,
    value: JSON.stringify(letter),
    headers: { ...raw.headers, 'dead-letter-reason': reason.slice(0, 200), 'source-topic': raw.topic },
  };
}
