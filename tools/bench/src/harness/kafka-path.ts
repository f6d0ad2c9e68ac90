import { Redis } from 'ioredis';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DEXEventType, createEventPublisher, roomChannel, type ProducerEventInput } from '@moonx-farm/events';
import { benchEventId, preciseNowMs, sentMicrosOfEventId, uniqueSendMicros } from '../lib/socket-io-wire';
import type { StepSource } from './rate-step';

/*
 * Pieces of scenario 5 (Kafka → ingest → Redis → gateway → client): a producer that publishes
 * price updates through the typed publisher of libs/events, a tap on the room's Redis channel
 * that timestamps every envelope as the gateway receives it.
 */

const RUN = Math.random().toString(36).slice(2, 8);

/** The least time between the starts of two sends (see PriceProducer). */
export const PRODUCER_LINGER_MS = 5;

/**
 * The backend's producer. It batches as producers do under load: a send goes at once when the
 * last one started at least PRODUCER_LINGER_MS ago and none is in flight; otherwise the
 * updates queue and go together in the next send. librdkafka and, since Kafka 4.0, the Java
 * client linger 5 ms before every send; this one lingers only when sends come faster than that,
 * so an update at 10 or 100 a second goes at once. kafkajs batches only what one `send` carries.
 *
 * It matters with the test broker: it answers a fetch with one produce request's batch per
 * partition (a FIXME in librdkafka's mock), so a producer sending one update per request caps
 * every consumer at one update per fetch however far behind it is, where real Kafka returns all
 * it has up to the fetch's size. Latency counts from `send`, so the wait here is measured.
 */
export class PriceProducer implements StepSource {
  private buffer: ProducerEventInput[] = [];
  /** A send in flight, or a timer for the next one. */
  private busy = false;
  private lastSendAt = -Infinity;
  private pending = 0;
  private counter = 0;
  /** Sends made and the updates they carried, to report the batching. */
  sends = 0;
  sentUpdates = 0;
  failures = 0;

  constructor(
    private readonly producer: Pick<Producer, 'send' | 'disconnect'>,
    private readonly symbol: string,
  ) {}

  static async connect(brokers: string[], symbol: string): Promise<PriceProducer> {
    const kafka = new Kafka({ clientId: 'bench-producer', brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return new PriceProducer(producer, symbol);
  }

  /** Queues one update; it goes in the next send. */
  send(n: number): string {
    const sentUs = uniqueSendMicros();
    this.buffer.push({
      type: DEXEventType.PRICE_UPDATE,
      id: benchEventId(RUN, this.counter++, sentUs),
      symbol: this.symbol,
      timestamp: Math.floor(sentUs / 1000),
      data: { price: (45000 + (n % 1000) / 10).toFixed(2), change: '125.5', changePercent: '0.28', volume: '1234567.89' },
    });
    if (!this.busy) {
      // Every update queued in this turn goes in the same send.
      this.busy = true;
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

  /** Called with `busy` set: sends the queue now, or sets a timer for when the linger is over. */
  private flush(): void {
    if (this.buffer.length === 0) {
      this.busy = false;
      return;
    }
    const wait = this.lastSendAt + PRODUCER_LINGER_MS - performance.now();
    if (wait > 0) {
      setTimeout(() => this.flush(), wait);
      return;
    }
    this.lastSendAt = performance.now();
    const batch = this.buffer;
    this.buffer = [];
    this.pending += batch.length;
    this.sends++;
    this.sentUpdates += batch.length;
    createEventPublisher(this.producer)
      .publishMany(batch)
      .catch(() => void (this.failures += batch.length))
      .finally(() => {
        this.pending -= batch.length;
        this.flush();
      });
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
