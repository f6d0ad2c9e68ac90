import { Redis } from 'ioredis';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DEXEventType, createEventPublisher, roomChannel, type ProducerEventInput } from '@moonx-farm/events';
import { benchEventId, preciseNowMs, sentMicrosOfEventId, uniqueSendMicros } from '../lib/socket-io-wire';
import type { StepSource } from './rate-step';

/*
 * Pieces of scenario 5 (Kafka → ingest → Redis → gateway → client): a producer that publishes
 * price updates through the typed publisher of libs/events, a tap on the room's Redis channel
 * that timestamps every envelope as the gateway receives it, and a reader of the gateway's
 * own producer-to-socket-write histogram.
 */

const RUN = Math.random().toString(36).slice(2, 8);

export class PriceProducer implements StepSource {
  private buffer: ProducerEventInput[] = [];
  private scheduled = false;
  private pending = 0;
  private counter = 0;
  failures = 0;

  private constructor(
    private readonly producer: Producer,
    private readonly symbol: string,
  ) {}

  static async connect(brokers: string[], symbol: string): Promise<PriceProducer> {
    const kafka = new Kafka({ clientId: 'bench-producer', brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return new PriceProducer(producer, symbol);
  }

  /** Queues one update; every update queued in the same tick goes out in one send. */
  send(n: number): string {
    const sentUs = uniqueSendMicros();
    this.buffer.push({
      type: DEXEventType.PRICE_UPDATE,
      id: benchEventId(RUN, this.counter++, sentUs),
      symbol: this.symbol,
      timestamp: Math.floor(sentUs / 1000),
      data: { price: (45000 + (n % 1000) / 10).toFixed(2), change: '125.5', changePercent: '0.28', volume: '1234567.89' },
    });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
    return `price:${this.symbol}`;
  }

  inFlight(): number {
    return this.pending + this.buffer.length;
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.buffer;
    this.buffer = [];
    this.pending += batch.length;
    createEventPublisher(this.producer)
      .publishMany(batch)
      .catch(() => void (this.failures += batch.length))
      .finally(() => void (this.pending -= batch.length));
  }
}

/** Per update (by send time µs): ingest's publishedAt (epoch ms) and when the tap saw it (epoch µs). */
export type TapRecord = [publishedAtMs: number, tapUs: number];

export class RedisTap {
  readonly seen = new Map<number, TapRecord>();

  private constructor(private readonly subscriber: Redis) {
    subscriber.on('smessage', (_channel: string, message: string) => {
      const tapUs = preciseNowMs() * 1000;
      const envelope = JSON.parse(message) as { publishedAt: number; payload: { id?: string } };
      const sentUs = sentMicrosOfEventId(envelope.payload.id ?? '');
      if (Number.isFinite(sentUs)) this.seen.set(sentUs, [envelope.publishedAt, tapUs]);
    });
  }

  static async subscribe(redis: { host: string; port: number }, room: string): Promise<RedisTap> {
    const subscriber = new Redis({ host: redis.host, port: redis.port, connectionName: 'bench-tap' });
    await subscriber.ssubscribe(roomChannel(room));
    return new RedisTap(subscriber);
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
  }
}

/** Cumulative bucket counts of the gateway's event_broadcasting_latency for one event type. */
export async function scrapeBroadcastBuckets(gatewayUrl: string, type: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('event_broadcasting_latency_bucket{') || !line.includes(`type="${type}"`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le !== undefined) buckets.set(le === '+Inf' ? Infinity : Number(le), count);
  }
  return buckets;
}
