import type { TapRecord } from '../harness/kafka-path';

/*
 * Where the time of one update goes, joined per update on its send time:
 *   producer → first client first receipt − send (the baseline gets this and the last line)
 *   producer → ingest       publishedAt − send      (publishedAt is whole ms: +0.5 ms centres it)
 *   ingest → Redis          tap − publishedAt       (the tap subscribes to the room's channel
 *                                                    like the gateway does, so it sees the
 *                                                    SPUBLISH when the gateway does)
 *   Redis → first client    first receipt − tap     (an upper bound of Redis → first socket write)
 *   first → last client     last − first receipt    (how long writing to every member takes)
 * Stage values are exact quantiles over the updates of a step (negative values are clock noise
 * around the whole-ms publishedAt).
 */

export interface StageQuantiles {
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

export interface StageBreakdown {
  /** Producer → first client, measured for the baseline too (it has no Redis stage to tap). */
  producerToFirstClient: StageQuantiles;
  producerToIngest: StageQuantiles;
  ingestToRedis: StageQuantiles;
  redisToFirstClient: StageQuantiles;
  firstToLastClient: StageQuantiles;
}

/** `updates`: [sentUs, firstUs, lastUs, receipts] from the generator. */
export function stageBreakdown(updates: readonly [number, number, number, number][], tap: ReadonlyMap<number, TapRecord>): StageBreakdown {
  const producerToIngest: number[] = [];
  const ingestToRedis: number[] = [];
  const redisToFirst: number[] = [];
  const firstToLast: number[] = [];
  const producerToFirst: number[] = [];
  for (const [sentUs, firstUs, lastUs] of updates) {
    const seen = tap.get(sentUs);
    firstToLast.push(lastUs - firstUs);
    producerToFirst.push(firstUs - sentUs);
    if (!seen) continue;
    const [publishedAtMs, tapUs] = seen;
    const publishedUs = (publishedAtMs + 0.5) * 1000;
    producerToIngest.push(publishedUs - sentUs);
    ingestToRedis.push(tapUs - publishedUs);
    redisToFirst.push(firstUs - tapUs);
  }
  return {
    producerToFirstClient: quantiles(producerToFirst),
    producerToIngest: quantiles(producerToIngest),
    ingestToRedis: quantiles(ingestToRedis),
    redisToFirstClient: quantiles(redisToFirst),
    firstToLastClient: quantiles(firstToLast),
  };
}

export function quantiles(valuesUs: number[]): StageQuantiles {
  const sorted = [...valuesUs].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]) / 1000 : NaN);
  return { p50Ms: at(0.5), p99Ms: at(0.99), samples: sorted.length };
}
