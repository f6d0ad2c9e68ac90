import { describeQuantile, histogramQuantile, type CumulativeBuckets } from './histogram-quantile';

const buckets = (entries: [number, number][]): CumulativeBuckets => new Map(entries);

describe('histogramQuantile (as PromQL histogram_quantile)', () => {
  // 100 observations between the scrapes: 10 ≤ 5 ms, 60 in (5, 10], 30 in (10, 25].
  const before = buckets([[0.005, 5], [0.01, 5], [0.025, 5], [Infinity, 5]]);
  const after = buckets([[0.005, 15], [0.01, 75], [0.025, 105], [Infinity, 105]]);

  it('interpolates inside the bucket that holds the rank', () => {
    // Rank 50: 40 of the 60 in (5, 10] → 5 + 5 × 40/60.
    expect(histogramQuantile(before, after, 0.5)).toEqual({ ms: 8.33, bucketMs: [5, 10], count: 100 });
    // Rank 99: 29 of the 30 in (10, 25] → 10 + 15 × 29/30.
    expect(histogramQuantile(before, after, 0.99)?.ms).toBe(24.5);
  });

  it('starts the first bucket at 0', () => {
    expect(histogramQuantile(before, after, 0.05)).toEqual({ ms: 2.5, bucketMs: [0, 5], count: 100 });
  });

  it('gives the highest finite bound when the rank is in +Inf, and nothing without observations', () => {
    const slow = buckets([[0.005, 0], [0.01, 1], [Infinity, 10]]);
    expect(histogramQuantile(new Map(), slow, 0.5)).toEqual({ ms: 10, bucketMs: [10, Infinity], count: 10 });
    expect(histogramQuantile(after, after, 0.5)).toBeUndefined();
    expect(histogramQuantile(new Map(), new Map(), 0.5)).toBeUndefined();
  });

  it('reads as a dashboard figure with its bucket', () => {
    expect(describeQuantile(histogramQuantile(before, after, 0.5))).toBe('≈ 8.33 ms (bucket 5-10)');
    expect(describeQuantile(undefined)).toBe('n/a');
  });
});
