import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { DEAD_LETTER_TOPIC, DEXEventType, KAFKA_TOPICS } from '@moonx-farm/events';
import { IngestPipelineService, OrderBookKeeperService, orderBookSettingsOf } from '@moonx-farm/ingest';
import { InMemoryEventLog, type RawEvent } from '@moonx-farm/server-core';
import { createRedisConnection, RedisRoomStore, waitUntilReady } from '@moonx-farm/server-redis';
import { startRedisServer } from '@moonx-farm/test-env';
import { argsOrExit, wholeNumberArg } from './lib/program-args';

/*
 * `node dist/tools/bench/ingest-books.js [batches] [size]`: what ingest spends per order book
 * event on a real Redis: the book keeper, the mapping, and the store's Lua append with its
 * round trips (the seq check and the lookup of the batch's ids), in µs per event. Starts its
 * own redis-server; the event log is in memory, so Kafka is not in the figure. Run it pinned
 * (`taskset -c 1`) with nothing else busy; redis-server inherits the pin.
 */
const USAGE = 'usage: node dist/tools/bench/ingest-books.js [batches, ≥ 20, default 60] [size, 1-10,000, default 500]';
const { batches, size } = argsOrExit('ingest-books', USAGE, () => ({
  batches: wholeNumberArg(process.argv[2], { name: 'batches', min: 20, fallback: 60 }),
  size: wholeNumberArg(process.argv[3], { name: 'size', min: 1, max: 10_000, fallback: 500 }),
}));

const TOPIC = KAFKA_TOPICS[DEXEventType.ORDER_BOOK_UPDATE];
const SYMBOL = 'BENCH-USDC';
const WARM_UP = 10;

Logger.overrideLogger(['error']);

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const connection = createRedisConnection({ host: redis.host, port: redis.port, db: 0, keyPrefix: 'bench:', clusterNodes: [] }, { name: 'bench-books' });
  try {
    await waitUntilReady(connection);
    const store = new RedisRoomStore(connection, { historyLimit: 1000, dedupeWindow: 10000 }, 'bench:');
    const log = new InMemoryEventLog(1);
    const pipeline = new IngestPipelineService(
      store,
      log,
      { topics: [TOPIC], deadLetterTopic: DEAD_LETTER_TOPIC },
      new Counter({ name: 'bench_events', help: 'bench', labelNames: ['type', 'outcome'], registers: [] }),
      new Counter({ name: 'bench_dead_letters', help: 'bench', labelNames: ['topic'], registers: [] }),
      new Histogram({ name: 'bench_batch', help: 'bench', registers: [] }),
      new OrderBookKeeperService(store, orderBookSettingsOf()),
    );
    await pipeline.handleBatch(await publish(log, [{ kind: 'snapshot', bids: [['100', '1']], asks: [['101', '1']] }]));

    const perEventUs: number[] = [];
    process.stdout.write(`ingest of order book deltas on redis-server, ${batches} batches of ${size} (the first ${WARM_UP} not counted), Node ${process.version}\n`);
    for (let batch = 0; batch < batches; batch++) {
      // Each delta sets one of nine bid levels to another size: every one changes the book.
      const deltas = Array.from({ length: size }, (_, i) => ({
        kind: 'delta' as const,
        bids: [[String(90 + (i % 9)), String(1 + ((batch * size + i) % 7))] as [string, string]],
        asks: [],
      }));
      const raws = await publish(log, deltas);
      const started = performance.now();
      await pipeline.handleBatch(raws);
      if (batch >= WARM_UP) perEventUs.push(((performance.now() - started) * 1000) / size);
    }
    perEventUs.sort((a, b) => a - b);
    const at = (q: number) => perEventUs[Math.min(perEventUs.length - 1, Math.floor(q * perEventUs.length))].toFixed(1);
    const seq = await store.currentSeq(`orderbook:${SYMBOL}`);
    process.stdout.write(`  µs per event: median ${at(0.5)}, p10 ${at(0.1)}, p90 ${at(0.9)}; room seq ${seq} (expected ${batches * size + 1})\n`);
    if (seq !== batches * size + 1) process.exitCode = 1;
  } finally {
    await connection.quit().catch(() => undefined);
    await redis.stop();
  }
}

type BookData = { kind: 'snapshot' | 'delta'; bids: [string, string][]; asks: [string, string][] };

async function publish(log: InMemoryEventLog, data: BookData[]): Promise<RawEvent[]> {
  const before = log.messagesOf(TOPIC).length;
  await log.send(
    TOPIC,
    data.map((book) => ({ key: SYMBOL, value: JSON.stringify({ type: DEXEventType.ORDER_BOOK_UPDATE, symbol: SYMBOL, timestamp: Date.now(), data: book }) })),
  );
  return log.messagesOf(TOPIC).slice(before);
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-books: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
