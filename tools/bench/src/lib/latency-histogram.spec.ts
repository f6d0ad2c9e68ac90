import { HISTOGRAM_BUCKETS, LatencyHistogram, bucketOf, bucketValue, quantileUs, summarise } from './latency-histogram';

describe('LatencyHistogram', () => {
  it('keeps every value within 3 % of its bucket value, with increasing buckets', () => {
    let previous = -1;
    for (const value of [0, 1, 63, 64, 65, 127, 128, 1000, 12_345, 999_999, 60_000_000]) {
      const index = bucketOf(value);
      expect(index).toBeGreaterThanOrEqual(previous);
      expect(index).toBeLessThan(HISTOGRAM_BUCKETS);
      previous = index;
      expect(Math.abs(bucketValue(index) - value)).toBeLessThanOrEqual(Math.max(0.5, value * 0.03));
    }
  });

  it('answers quantiles of a known distribution', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms * 1000);
    const data = histogram.toData();
    expect(quantileUs(data, 0.5) / 1000).toBeCloseTo(500, -1);
    expect(quantileUs(data, 0.99) / 1000).toBeCloseTo(990, -1.5);
    expect(quantileUs(data, 1)).toBe(1_000_000);
    const summary = summarise(data);
    expect(summary.count).toBe(1000);
    expect(summary.minMs).toBe(1);
    expect(summary.maxMs).toBe(1000);
    expect(summary.meanMs).toBeCloseTo(500.5, 5);
  });

  it('merges histograms of several generators and counts negative clock noise as zero', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(-20);
    a.record(2000);
    b.record(4000);
    const merged = LatencyHistogram.merge([a.toData(), b.toData()]);
    expect(merged.total).toBe(3);
    expect(merged.minUs).toBe(0);
    expect(merged.maxUs).toBe(4000);
    expect(summarise(merged).p50Ms).toBeCloseTo(2, 1);
  });

  it('reports NaN quantiles when nothing was recorded', () => {
    expect(Number.isNaN(summarise(new LatencyHistogram().toData()).p99Ms)).toBe(true);
  });
});
