/*
 * Log-linear latency histogram over microseconds (the idea of HdrHistogram, in 40 lines):
 * exact below 64 µs, then 32 buckets per power of two, so every recorded value is known to
 * within ~3 %. It is a plain array of counts, so generators can ship it over IPC and the
 * runner can merge histograms from several processes.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // 64
const HALF = SUB >> 1; // 32
const MAX_US = 2 ** 31 - 1; // ~35 minutes: anything above is clamped
export const HISTOGRAM_BUCKETS = (31 - SUB_BITS + 2) * HALF;

export interface HistogramData {
  counts: number[];
  total: number;
  minUs: number;
  maxUs: number;
  sumUs: number;
}

export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export function bucketOf(valueUs: number): number {
  const v = Math.min(Math.max(Math.round(valueUs), 0), MAX_US);
  if (v < SUB) return v;
  const shift = 31 - Math.clz32(v) - (SUB_BITS - 1);
  return (shift + 1) * HALF + ((v >>> shift) - HALF);
}

/** The middle of a bucket's value range, µs. */
export function bucketValue(index: number): number {
  if (index < SUB) return index;
  const shift = Math.floor(index / HALF) - 1;
  const mantissa = (index % HALF) + HALF;
  const low = mantissa * 2 ** shift;
  return low + (2 ** shift - 1) / 2;
}

export class LatencyHistogram {
  private counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  private total = 0;
  private minUs = Infinity;
  private maxUs = 0;
  private sumUs = 0;

  record(valueUs: number): void {
    // Clock skew between processes can make a tiny latency negative; it counts as 0.
    const v = valueUs < 0 ? 0 : valueUs;
    this.counts[bucketOf(v)]++;
    this.total++;
    this.sumUs += v;
    if (v < this.minUs) this.minUs = v;
    if (v > this.maxUs) this.maxUs = v;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.minUs = Infinity;
    this.maxUs = 0;
    this.sumUs = 0;
  }

  get count(): number {
    return this.total;
  }

  toData(): HistogramData {
    return { counts: [...this.counts], total: this.total, minUs: this.minUs, maxUs: this.maxUs, sumUs: this.sumUs };
  }

  static merge(parts: readonly HistogramData[]): HistogramData {
    const merged: HistogramData = { counts: new Array<number>(HISTOGRAM_BUCKETS).fill(0), total: 0, minUs: Infinity, maxUs: 0, sumUs: 0 };
    for (const part of parts) {
      part.counts.forEach((count, index) => (merged.counts[index] += count));
      merged.total += part.total;
      merged.sumUs += part.sumUs;
      merged.minUs = Math.min(merged.minUs, part.minUs);
      merged.maxUs = Math.max(merged.maxUs, part.maxUs);
    }
    return merged;
  }
}

/** The value at quantile q (0..1), µs; the exact maximum for q = 1. */
export function quantileUs(data: HistogramData, q: number): number {
  if (data.total === 0) return NaN;
  if (q >= 1) return data.maxUs;
  const rank = Math.max(1, Math.ceil(q * data.total));
  let seen = 0;
  for (let index = 0; index < data.counts.length; index++) {
    seen += data.counts[index];
    if (seen >= rank) return Math.min(bucketValue(index), data.maxUs);
  }
  return data.maxUs;
}

export function summarise(data: HistogramData): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: data.total,
    minMs: data.total ? ms(data.minUs) : NaN,
    meanMs: data.total ? ms(data.sumUs / data.total) : NaN,
    p50Ms: ms(quantileUs(data, 0.5)),
    p90Ms: ms(quantileUs(data, 0.9)),
    p99Ms: ms(quantileUs(data, 0.99)),
    p999Ms: ms(quantileUs(data, 0.999)),
    maxMs: data.total ? ms(data.maxUs) : NaN,
  };
}
