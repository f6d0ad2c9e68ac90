/*
 * Quantiles of a Prometheus histogram between two scrapes, estimated the way PromQL's
 * histogram_quantile() does: the bucket holding the rank, then linear interpolation inside it
 * (from 0 for the first bucket). That is the figure a dashboard of the gateway shows, so the
 * bench prints it beside its own measurement of the same latency.
 */

/** Cumulative counts by upper bound (seconds; Infinity for +Inf), as scraped. */
export type CumulativeBuckets = Map<number, number>;

export interface QuantileEstimate {
  /** The estimate, ms; the highest finite bound when the rank falls in the +Inf bucket. */
  ms: number;
  /** The bucket it fell in, ms (the lower bound is 0 for the first bucket). */
  bucketMs: [number, number];
  /** Observations between the two scrapes. */
  count: number;
}

export function histogramQuantile(before: CumulativeBuckets, after: CumulativeBuckets, q: number): QuantileEstimate | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = delta(Infinity);
  if (total <= 0 || bounds.length === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const cumulative = delta(bound);
    if (cumulative >= rank) {
      if (bound === Infinity) return { ms: lower * 1000, bucketMs: [lower * 1000, Infinity], count: total };
      const inBucket = cumulative - below;
      const share = inBucket > 0 ? (rank - below) / inBucket : 1;
      return { ms: round((lower + (bound - lower) * share) * 1000), bucketMs: [lower * 1000, bound * 1000], count: total };
    }
    lower = bound;
    below = cumulative;
  }
  return undefined;
}

/** `≈ 13.2 ms (10-15)`, or `n/a` without observations. */
export function describeQuantile(estimate: QuantileEstimate | undefined): string {
  if (!estimate) return 'n/a';
  const [low, high] = estimate.bucketMs;
  return `≈ ${estimate.ms} ms (bucket ${round(low)}-${high === Infinity ? '+Inf' : round(high)})`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
