/**
 * The system of record (Kafka in production): raw topics the producers publish to, read by
 * ingest as a consumer group, and the dead-letter topic ingest writes to.
 */
export interface RawEvent {
  topic: string;
  partition: number;
  /** Kafka offsets are int64: kept as a decimal string. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker/producer timestamp, epoch ms. */
  timestamp: number;
}

/**
 * Handles one batch. The source commits the batch's offsets only after the returned promise
 * resolves; a rejection leaves them uncommitted so the batch is delivered again.
 */
export type BatchHandler = (batch: RawEvent[]) => Promise<void>;

export interface EventSource {
  start(topics: readonly string[], handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
}

export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface EventSink {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_SOURCE = Symbol('EVENT_SOURCE');
export const EVENT_SINK = Symbol('EVENT_SINK');
