import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BatchHandler, EventSource, RawEvent } from '@moonx-farm/server-core';

export interface KafkaEventSourceOptions {
  groupId: string;
  sessionTimeout: number;
  heartbeatInterval: number;
  /**
   * How long the broker may hold an empty fetch. Real Kafka answers as soon as data arrives;
   * some brokers hold the fetch for the whole wait, so keep this small where latency matters.
   */
  maxWaitTimeInMs: number;
  fromBeginning: boolean;
  /** Longest pause between attempts at a failing batch. */
  maxRetryDelayMs?: number;
  onLag?: (topic: string, partition: number, lag: number) => void;
  onBatchError?: (error: unknown, attempt: number) => void;
}

/**
 * EventSource on a kafkajs consumer group with manual commits: a batch's offsets are
 * committed only after the handler resolved. A failing batch is retried in place with
 * backoff (heartbeating meanwhile) so the partition's order is kept and nothing is skipped.
 */
export class KafkaEventSource implements EventSource {
  private readonly consumer: Consumer;
  private stopping = false;

  constructor(kafka: Kafka, private readonly options: KafkaEventSourceOptions) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeout,
      heartbeatInterval: options.heartbeatInterval,
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
    });
  }

  async start(topics: readonly string[], handler: BatchHandler): Promise<void> {
    this.stopping = false;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload, handler),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const events: RawEvent[] = batch.messages.map((message) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      value: message.value,
      headers: headersOf(message.headers),
      timestamp: Number(message.timestamp),
    }));
    for (let attempt = 1; ; attempt++) {
      if (this.stopping || !payload.isRunning() || payload.isStale()) return;
      try {
        await handler(events);
        break;
      } catch (error) {
        this.options.onBatchError?.(error, attempt);
        const delay = Math.min(50 * 2 ** attempt, this.options.maxRetryDelayMs ?? 5000);
        await new Promise((resolve) => setTimeout(resolve, delay));
        await payload.heartbeat().catch(() => undefined);
      }
    }
    const last = batch.messages[batch.messages.length - 1];
    payload.resolveOffset(last.offset);
    await this.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
    ]);
    this.options.onLag?.(batch.topic, batch.partition, Number(batch.offsetLag()));
    await payload.heartbeat();
  }
}

function headersOf(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = (Array.isArray(value) ? value[value.length - 1] : value).toString();
  }
  return result;
}
