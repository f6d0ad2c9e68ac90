import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import {
  EVENT_SINK,
  ROOM_STORE,
  type AppendResult,
  type EventSink,
  type OutgoingMessage,
  type RawEvent,
  type RoomStore,
} from '@moonx-farm/server-core';
import { DEXEventType } from '@moonx-farm/events';
import { deadLetterOf } from './dead-letter';
import { decodeRawEvent, type DecodeResult } from './event-decoder';
import { INGEST_METRICS } from './ingest-metrics';
import { INGEST_OPTIONS, type IngestOptions } from './ingest-options';
import { OrderBookKeeperService, type BookEventRef } from './order-book/order-book-keeper.service';
import { orderBookDeliveryOf, roomDeliveriesOf } from './room-message.mapper';

/**
 * One batch from the event log: validate and normalise each event, sequence it into its
 * rooms (snapshot, history and fan-out in one atomic store step), dead-letter what is bad.
 * Order book events go through the OrderBookKeeperService, which turns them into a delta or
 * snapshot message plus the full book to store, or a rejection.
 * The returned promise resolves only when everything is durable; the source commits then.
 */
@Injectable()
export class IngestPipelineService {
  private readonly logger = new Logger('Ingest');

  constructor(
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    @InjectMetric(INGEST_METRICS.events) private readonly events: Counter<'type' | 'outcome'>,
    @InjectMetric(INGEST_METRICS.deadLetters) private readonly deadLetters: Counter<'topic'>,
    @InjectMetric(INGEST_METRICS.batchLatency) private readonly batchLatency: Histogram,
    private readonly books: OrderBookKeeperService,
  ) {}

  async handleBatch(batch: RawEvent[]): Promise<void> {
    const stopTimer = this.batchLatency.startTimer();
    const publishedAt = Date.now();
    const decoded = batch.map((raw) => ({ raw, result: decodeRawEvent(raw) }));
    const bookEvents: BookEventRef[] = [];
    for (const { result } of decoded) {
      if (result.ok && result.event.type === DEXEventType.ORDER_BOOK_UPDATE) bookEvents.push({ symbol: result.event.symbol, eventId: result.eventId });
    }
    try {
      if (bookEvents.length > 0) await this.books.prepare(bookEvents);
      const { appends, rejected, replayed } = this.sequence(decoded, publishedAt);
      // Every append settles before this returns, so a failed batch leaves nothing in flight
      // when it is redelivered.
      const settled = await Promise.allSettled(appends);
      const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failure) throw failure.reason;
      if (rejected.length > 0) await this.sendDeadLetters(rejected);
      const duplicates = replayed + settled.filter((outcome) => outcome.status === 'fulfilled' && outcome.value.duplicate).length;
      if (duplicates > 0) this.logger.log(`${duplicates} replayed event(s) already sequenced, skipped`);
    } catch (error) {
      // The books may have moved past what the store holds: reload them on redelivery.
      this.books.invalidate(bookEvents.map((event) => event.symbol));
      throw error;
    }
    stopTimer();
  }

  /**
   * Issues the batch's appends in batch order without awaiting each: one connection keeps them
   * in order per room while the round trips overlap.
   */
  private sequence(decoded: { raw: RawEvent; result: DecodeResult }[], publishedAt: number) {
    const appends: Promise<AppendResult>[] = [];
    const rejected: OutgoingMessage[] = [];
    let replayed = 0;
    for (const { raw, result } of decoded) {
      if (!result.ok) {
        rejected.push(deadLetterOf(raw, result.reason));
        this.events.inc({ type: raw.topic, outcome: 'rejected' });
        continue;
      }
      const { event, eventId } = result;
      if (event.type === DEXEventType.ORDER_BOOK_UPDATE) {
        const outcome = this.books.apply(event, eventId);
        if (outcome.outcome === 'rejected') {
          rejected.push(deadLetterOf(raw, outcome.reason));
          this.events.inc({ type: event.type, outcome: 'rejected' });
          continue;
        }
        // Object.assign below, not spread syntax, which is slow in Node 20's V8 (room-message.mapper.ts).
        if (outcome.outcome === 'accepted') {
          const delivery = orderBookDeliveryOf(event, eventId, outcome);
          // The seq the keeper built it for: after a lost append the store refuses the rest.
          const append = this.store.append(Object.assign({ eventId, publishedAt, expectedSeq: outcome.seq }, delivery));
          appends.push(
            append.then((appended) => {
              this.books.recordAppend(event.symbol, appended);
              return appended;
            }),
          );
        } else {
          replayed++;
        }
      } else {
        for (const delivery of roomDeliveriesOf(event, eventId)) {
          appends.push(this.store.append(Object.assign({ eventId, publishedAt }, delivery)));
        }
      }
      this.events.inc({ type: event.type, outcome: 'accepted' });
    }
    return { appends, rejected, replayed };
  }

  private async sendDeadLetters(rejected: OutgoingMessage[]): Promise<void> {
    await this.sink.send(this.options.deadLetterTopic, rejected);
    this.deadLetters.inc({ topic: this.options.deadLetterTopic }, rejected.length);
    this.logger.warn(`${rejected.length} event(s) sent to ${this.options.deadLetterTopic}: ${rejected.length === 1 ? (rejected[0].headers?.['dead-letter-reason'] ?? '') : 'see the dead-letter topic'}`);
  }
}
