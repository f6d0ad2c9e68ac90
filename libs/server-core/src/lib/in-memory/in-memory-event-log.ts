import type {
  BatchHandler,
  EventSink,
  EventSource,
  OutgoingMessage,
  RawEvent,
} from '../ports/event-log.port';

/**
 * The embedded stand-in for Kafka: partitioned, ordered topics with committed offsets per
 * consumer group. Same contract as Kafka: a batch's offsets are committed only after its
 * handler resolves, and a failed batch is delivered again.
 */
export class InMemoryEventLog implements EventSink {
  private readonly topics = new Map<string, RawEvent[][]>();
  private readonly sources = new Set<InMemoryEventSource>();

  constructor(private readonly partitionsPerTopic = 3) {}

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const partitions = this.partitionsOf(topic);
    for (const message of messages) {
      const partition = message.key === null ? 0 : partitionFor(message.key, partitions.length);
      const log = partitions[partition];
      log.push({
        topic,
        partition,
        offset: String(log.length),
        key: message.key,
        value: Buffer.isBuffer(message.value) ? message.value : Buffer.from(message.value),
        headers: { ...message.headers },
        timestamp: Date.now(),
      });
    }
    for (const source of this.sources) source.wake();
  }

  /** A consumer of the given group; groups keep their own committed offsets. */
  createSource(groupId: string, options: { maxBatchSize?: number; retryDelayMs?: number } = {}): EventSource {
    return new InMemoryEventSource(this, groupId, options.maxBatchSize ?? 500, options.retryDelayMs ?? 100);
  }

  /** Everything ever sent to a topic, in partition order (for dead-letter inspection). */
  messagesOf(topic: string): RawEvent[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  async close(): Promise<void> {
    for (const source of this.sources) await source.stop();
  }

  partitionsOf(topic: string): RawEvent[][] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: this.partitionsPerTopic }, () => []);
      this.topics.set(topic, partitions);
    }
    return partitions;
  }

  register(source: InMemoryEventSource): void {
    this.sources.add(source);
  }

  unregister(source: InMemoryEventSource): void {
    this.sources.delete(source);
  }

  private readonly committed = new Map<string, number>();

  committedOffset(groupId: string, topic: string, partition: number): number {
    return this.committed.get(`${groupId}\u0000${topic}\u0000${partition}`) ?? 0;
  }

  commit(groupId: string, topic: string, partition: number, nextOffset: number): void {
    this.committed.set(`${groupId}\u0000${topic}\u0000${partition}`, nextOffset);
  }
}

class InMemoryEventSource implements EventSource {
  private topics: readonly string[] = [];
  private handler: BatchHandler | undefined;
  private draining: Promise<void> | undefined;
  private pendingWake = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly log: InMemoryEventLog,
    private readonly groupId: string,
    private readonly maxBatchSize: number,
    private readonly retryDelayMs: number,
  ) {}

  async start(topics: readonly string[], handler: BatchHandler): Promise<void> {
    this.topics = topics;
    this.handler = handler;
    this.running = true;
    this.log.register(this);
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.log.unregister(this);
    clearTimeout(this.retryTimer);
    await this.draining;
  }

  wake(): void {
    if (!this.running) return;
    if (this.draining) {
      this.pendingWake = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.pendingWake) {
        this.pendingWake = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    for (const topic of this.topics) {
      const partitions = this.log.partitionsOf(topic);
      for (let partition = 0; partition < partitions.length && this.running; partition++) {
        let next = this.log.committedOffset(this.groupId, topic, partition);
        while (this.running && next < partitions[partition].length) {
          const batch = partitions[partition].slice(next, next + this.maxBatchSize);
          try {
            await this.handler?.(batch);
          } catch {
            // Not committed: the batch comes again after a pause, like a Kafka redelivery.
            this.retryTimer = setTimeout(() => this.wake(), this.retryDelayMs);
            return;
          }
          next += batch.length;
          this.log.commit(this.groupId, topic, partition, next);
        }
      }
    }
  }
}

/** Stable key → partition mapping so one key keeps its order. */
export function partitionFor(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
