import { z } from 'zod';
import { DEAD_LETTER_TOPIC, KAFKA_TOPICS } from '@moonx-farm/events';
import { boolVar, intVar, listVar } from '@moonx-farm/server-core';
import type { IngestOptions } from './ingest-options';

/** Environment variables of the ingest service. */
export const ingestEnvShape = {
  KAFKA_GROUP_ID: z.string().min(1).default('websocket-gateway-group'),
  KAFKA_TOPICS: listVar(Object.values(KAFKA_TOPICS)),
  KAFKA_DEAD_LETTER_TOPIC: z.string().min(1).default(DEAD_LETTER_TOPIC),
  KAFKA_SESSION_TIMEOUT: intVar(10000, 1000, 300000),
  KAFKA_HEARTBEAT_INTERVAL: intVar(3000, 100, 60000),
  /** How long a fetch may wait for data; small values cut latency on brokers that hold empty fetches. */
  KAFKA_MAX_WAIT_MS: intVar(100, 1, 10000),
  KAFKA_FROM_BEGINNING: boolVar(false),
  ROOM_HISTORY_LENGTH: intVar(1000, 10, 1_000_000),
  DEDUPE_WINDOW: intVar(10000, 100, 10_000_000),
  /** Every Nth order book message of a symbol is a full snapshot instead of a delta. */
  ORDER_BOOK_SNAPSHOT_EVERY: intVar(100, 1, 1_000_000),
  INGEST_HTTP_PORT: intVar(3009, 1, 65535),
};

export type IngestEnv = z.output<z.ZodObject<typeof ingestEnvShape>>;

export function consumerSettingsFrom(env: IngestEnv) {
  return {
    groupId: env.KAFKA_GROUP_ID,
    sessionTimeout: env.KAFKA_SESSION_TIMEOUT,
    heartbeatInterval: env.KAFKA_HEARTBEAT_INTERVAL,
    maxWaitTimeInMs: env.KAFKA_MAX_WAIT_MS,
    fromBeginning: env.KAFKA_FROM_BEGINNING,
  };
}

export function storeLimitsFrom(env: IngestEnv) {
  return { historyLimit: env.ROOM_HISTORY_LENGTH, dedupeWindow: env.DEDUPE_WINDOW };
}

/** Ids a book remembers are read back from the room's history on recovery: bounded for memory. */
const MAX_REMEMBERED_BOOK_IDS = 10_000;

/** The ingest module's options from its environment. */
export function ingestOptionsFrom(env: IngestEnv): IngestOptions {
  return {
    topics: env.KAFKA_TOPICS,
    deadLetterTopic: env.KAFKA_DEAD_LETTER_TOPIC,
    orderBook: {
      snapshotEvery: env.ORDER_BOOK_SNAPSHOT_EVERY,
      // Ids beyond the history or the store's dedupe window could not be recognised anyway.
      rememberedIds: Math.min(env.ROOM_HISTORY_LENGTH, env.DEDUPE_WINDOW, MAX_REMEMBERED_BOOK_IDS),
    },
  };
}
