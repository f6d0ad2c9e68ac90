import type { TapRecord } from '../harness/kafka-path';
import { quantiles, stageBreakdown } from './stage-breakdown';

describe('stage breakdown of the whole path', () => {
  it('splits each update at ingest (publishedAt, whole ms) and at the Redis tap', () => {
    // Sent at t = 1,000,000 µs; ingest stamped 1003 ms (+0.5 ms centring → 1003.5 ms);
    // the tap saw it at 1004.5 ms; clients got it from 1005 to 1009 ms.
    const updates: [number, number, number, number][] = [[1_000_000, 1_005_000, 1_009_000, 10]];
    const tap = new Map<number, TapRecord>([[1_000_000, [1003, 1_004_500]]]);
    const stages = stageBreakdown(updates, tap);
    expect(stages.producerToFirstClient.p50Ms).toBe(5);
    expect(stages.producerToIngest.p50Ms).toBe(3.5);
    expect(stages.ingestToRedis.p50Ms).toBe(1);
    expect(stages.redisToFirstClient.p50Ms).toBe(0.5);
    expect(stages.firstToLastClient.p50Ms).toBe(4);
  });

  it('keeps client-side stages for updates the tap never saw (the baseline has no Redis)', () => {
    const stages = stageBreakdown([[0, 2000, 3000, 2]], new Map());
    expect(stages.producerToFirstClient).toEqual({ p50Ms: 2, p99Ms: 2, samples: 1 });
    expect(stages.producerToIngest.samples).toBe(0);
    expect(Number.isNaN(stages.ingestToRedis.p50Ms)).toBe(true);
  });

  it('takes exact quantiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i + 1) * 1000);
    expect(quantiles(values)).toEqual({ p50Ms: 50, p99Ms: 99, samples: 100 });
  });
});
