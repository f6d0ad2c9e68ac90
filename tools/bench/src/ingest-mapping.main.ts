import { DEXEventType, producerEventSchema, type NormalisedEventOf } from '@moonx-farm/events';
import { orderBookDeliveryOf, roomDeliveriesOf, type BookMessageBody, type StatelessEvent } from '@moonx-farm/ingest';
import { argsOrExit, wholeNumberArg } from './lib/program-args';

/*
 * `node dist/tools/bench/ingest-mapping.js [count]`: what ingest spends turning one validated
 * event into the message its room stores (roomDeliveriesOf / orderBookDeliveryOf, which build
 * the message object and serialise it), in µs per event, per event type. A CPU-only figure, so
 * it runs alone, without Redis or Kafka; run it pinned (`taskset -c 1`) and nothing else busy.
 */
const count = argsOrExit('ingest-mapping', 'usage: node dist/tools/bench/ingest-mapping.js [count, ≥ 1,000, default 200,000]', () =>
  wholeNumberArg(process.argv[2], { name: 'count', min: 1000, fallback: 200_000 }),
);

const base = { timestamp: 1795713984699, source: 'bench' };
const levels = (side: number) => Array.from({ length: 10 }, (_, i) => [(45000 + side * (i + 1) * 0.5).toFixed(2), (1 + i * 0.125).toFixed(4)] as [string, string]);
const price = producerEventSchema.parse({
  ...base,
  type: DEXEventType.PRICE_UPDATE,
  symbol: 'BTC-USDC',
  data: { price: '45000.10', change: '125.5', changePercent: '0.28', volume: '1234567.89', high24h: '46010.5', low24h: '44020.25' },
}) as StatelessEvent;
const trade = producerEventSchema.parse({
  ...base,
  type: DEXEventType.TRADE_NOTIFICATION,
  symbol: 'BTC-USDC',
  userId: 'user-1',
  data: { price: '45000.10', amount: '0.015', side: 'buy', tradeId: 't-1', orderId: 'o-1', fee: '0.00001', feeAsset: 'BTC' },
}) as StatelessEvent;
const book = producerEventSchema.parse({
  ...base,
  type: DEXEventType.ORDER_BOOK_UPDATE,
  symbol: 'BTC-USDC',
  data: { kind: 'delta', bids: levels(-1).slice(0, 2), asks: levels(1).slice(0, 2) },
}) as NormalisedEventOf<DEXEventType.ORDER_BOOK_UPDATE>;
const full: BookMessageBody = { kind: 'snapshot', bids: levels(-1), asks: levels(1), checksum: 123456789 };
const delta: BookMessageBody = { kind: 'delta', bids: levels(-1).slice(0, 2), asks: levels(1).slice(0, 2), checksum: 123456789 };

const cases: [string, (n: number) => number][] = [
  ['price_update', (n) => roomDeliveriesOf(price, `e-${n}`)[0].messageTail.length],
  ['trade_notification (private)', (n) => roomDeliveriesOf(trade, `e-${n}`)[0].messageTail.length],
  ['order_book_update (delta + 10-level snapshot)', (n) => orderBookDeliveryOf(book, `e-${n}`, { outcome: 'accepted', live: delta, snapshot: full, seq: n + 1 }).messageTail.length],
];

process.stdout.write(`ingest mapping, ${count.toLocaleString('en-US')} events per type, Node ${process.version}\n`);
for (const [name, map] of cases) {
  let bytes = 0;
  for (let n = 0; n < count / 10; n++) bytes += map(n); // warm-up: let V8 optimise first
  const started = process.hrtime.bigint();
  for (let n = 0; n < count; n++) bytes += map(n);
  const us = Number(process.hrtime.bigint() - started) / 1000 / count;
  process.stdout.write(`  ${name.padEnd(46)} ${us.toFixed(2)} µs per event (${bytes > 0 ? 'ok' : 'empty'})\n`);
}
