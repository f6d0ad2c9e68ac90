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
import { deadLetterOf } from './dead-letter';
import { decodeRawEvent } from './event-decoder';
import { INGEST_METRICS } from './ingest-metrics';
import { INGEST_OPTIONS, type IngestOptions } from './ingest-options';
import { roomDeliveriesOf } from './room-message.mapper';

/**
 * One batch from the event log: validate and normalise each event, sequence it into its
 * rooms (snapshot, history and fan-out in one atomic store step), dead-letter what is bad.
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
  ) {}

  async handleBatch(batch: RawEvent[]): Promise<void> {
    const stopTimer = this.batchLatency.startTimer();
    const appends: Promise<AppendResult>[] = [];
    const rejected: OutgoingMessage[] = [];
    const publishedAt = Date.now();
    for (const raw of batch) {
      const decoded = decodeRawEvent(raw);
      if (!decoded.ok) {
        rejected.push(deadLetterOf(raw, decoded.reason));
        this.events.inc({ type: raw.topic, outcome: 'rejected' });
        continue;
      }
      // Appends are issued in batch order without awaiting each: one connection keeps them in
      // order per room while the round trips overlap.
      for (const delivery of roomDeliveriesOf(decoded.event, decoded.eventId)) {
        appends.push(this.store.append({ ...delivery, eventId: decoded.eventId, publishedAt }));
      }
      this.events.inc({ type: decoded.event.type, outcome: 'accepted' });
    }
    const results = await Promise.all(appends);
    if (rejected.length > 0) {
      await this.sink.send(this.options.deadLetterTopic, rejected);
      this.deadLetters.inc({ topic: this.options.deadLetterTopic }, rejected.length);
      this.logger.warn(`${rejected.length} event(s) sent to ${this.options.deadLetterTopic}: ${rejected.length === 1 ? (rejected[0].headers?.['dead-letter-reason'] ?? '') : 'see the dead-letter topic'}`);
    }
    const duplicates = results.filter((result) => result.duplicate).length;
    if (duplicates > 0) this.logger.log(`${duplicates} replayed event(s) already sequenced, skipped`);
    stopTimer();
  }
}
