import { Logger } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import {
  DEAD_LETTER_TOPIC,
  DEXEventType,
  KAFKA_TOPICS,
  type BookLevel,
  type OrderBookUpdateMessage,
  type ProducerEventInputOf,
  type RoomEnvelope,
} from '@moonx-farm/events';
import type { AppendRequest, AppendResult, InMemoryEventLog, RawEvent, RoomStore } from '@moonx-farm/server-core';
import type { DeadLetter } from '../dead-letter';
import { IngestPipelineService } from '../ingest-pipeline.service';
import { OrderBookKeeperService } from './order-book-keeper.service';
import { orderBookSettingsOf, type OrderBookSettings } from './order-book-settings';

/*
 * Shared by the order book tests: a pipeline on given ports (no Nest container), producer
 * events turned into raw events by an in-memory log, and readers for what came out.
 */

// Rejections and replays log by design; the tests assert them instead.
Logger.overrideLogger(false);

export const BOOK_TOPIC = KAFKA_TOPICS[DEXEventType.ORDER_BOOK_UPDATE];
export type BookInput = ProducerEventInputOf<DEXEventType.ORDER_BOOK_UPDATE>;

let metricNames = 0;

export function createBookPipeline(store: RoomStore, log: InMemoryEventLog, settings: Partial<OrderBookSettings> = {}) {
  const name = `test_${++metricNames}`;
  const keeper = new OrderBookKeeperService(store, orderBookSettingsOf(settings));
  const pipeline = new IngestPipelineService(
    store,
    log,
    { topics: [BOOK_TOPIC], deadLetterTopic: DEAD_LETTER_TOPIC },
    new Counter({ name: `${name}_events`, help: 'test', labelNames: ['type', 'outcome'], registers: [] }),
    new Counter({ name: `${name}_dead_letters`, help: 'test', labelNames: ['topic'], registers: [] }),
    new Histogram({ name: `${name}_batch`, help: 'test', registers: [] }),
    keeper,
  );
  return { keeper, pipeline };
}

/**
 * Writes producer events to the book topic and returns them as a consumer reads them (with
 * their offsets, which are their event ids when they carry none). The log must have one partition.
 */
export async function sendBookEvents(log: InMemoryEventLog, events: BookInput[]): Promise<RawEvent[]> {
  const before = log.messagesOf(BOOK_TOPIC).length;
  await log.send(
    BOOK_TOPIC,
    events.map((event) => ({ key: event.symbol, value: JSON.stringify(event) })),
  );
  return log.messagesOf(BOOK_TOPIC).slice(before);
}

export function deadLettersOf(log: InMemoryEventLog): DeadLetter[] {
  return log.messagesOf(DEAD_LETTER_TOPIC).map((raw) => JSON.parse(String(raw.value)) as DeadLetter);
}

export function messageOfEnvelope(envelope: string): OrderBookUpdateMessage {
  return (JSON.parse(envelope) as RoomEnvelope).payload as OrderBookUpdateMessage;
}

/** The room's stored snapshot, parsed. */
export async function storedBook(store: RoomStore, room: string): Promise<OrderBookUpdateMessage | undefined> {
  const stored = await store.snapshot(room);
  return stored === undefined ? undefined : (JSON.parse(stored.message) as OrderBookUpdateMessage);
}

/** Every message the room's history holds, in seq order. */
export async function historyOf(store: RoomStore, room: string): Promise<OrderBookUpdateMessage[]> {
  const read = await store.readSince(room, 0, 100_000);
  if (!read.complete) throw new Error(`history of ${room} is incomplete`);
  return read.envelopes.map(messageOfEnvelope);
}

export const snapshotEvent = (symbol: string, bids: [string, string][], asks: [string, string][], timestamp = 1): BookInput => ({
  type: DEXEventType.ORDER_BOOK_UPDATE,
  symbol,
  timestamp,
  data: { kind: 'snapshot', bids, asks },
});

export const deltaEvent = (symbol: string, bids: [string, string][], asks: [string, string][], timestamp = 1): BookInput => ({
  type: DEXEventType.ORDER_BOOK_UPDATE,
  symbol,
  timestamp,
  data: { kind: 'delta', bids, asks },
});

/**
 * A producer re-sends id 'a' after three newer ids (further back than a keeper remembering two,
 * within the store's dedupe window), then a new event follows. The first `firstBatch` events
 * make one batch, the rest the next; `bids` is the book they must end with (asks: 101 × 1).
 */
export function resentBeyondMemory(symbol: string): { events: BookInput[]; firstBatch: number; bids: BookLevel[] } {
  const withId = (id: string, event: BookInput): BookInput => ({ ...event, id });
  return {
    events: [
      withId('s', snapshotEvent(symbol, [['100', '1']], [['101', '1']])),
      withId('a', deltaEvent(symbol, [['99', '5']], [])),
      withId('b', deltaEvent(symbol, [['99', '7']], [])),
      withId('c', deltaEvent(symbol, [['98', '1']], [])),
      withId('d', deltaEvent(symbol, [['97', '1']], [])),
      withId('a', deltaEvent(symbol, [['99', '5']], [])),
      withId('e', deltaEvent(symbol, [['96', '1']], [])),
    ],
    firstBatch: 5,
    bids: [['100', '1'], ['99', '7'], ['98', '1'], ['97', '1'], ['96', '1']],
  };
}

/** Fails the appends whose number (from 1) matches, letting the others through. */
export class FlakyStore implements RoomStore {
  private appends = 0;

  constructor(private readonly inner: RoomStore, private readonly fails: (appendNumber: number) => boolean) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    if (this.fails(++this.appends)) throw new Error('store unavailable');
    return this.inner.append(request);
  }

  knownEventIds = (room: string, eventIds: readonly string[]) => this.inner.knownEventIds(room, eventIds);
  currentSeq = (room: string) => this.inner.currentSeq(room);
  snapshot = (room: string) => this.inner.snapshot(room);
  readStart = (room: string) => this.inner.readStart(room);
  readSince = (room: string, afterSeq: number, limit: number) => this.inner.readSince(room, afterSeq, limit);
  close = () => this.inner.close();
}

