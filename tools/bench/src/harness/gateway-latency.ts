import type { StepResult } from './rate-step';
import type { SystemUnderTest } from './system-under-test';
import { describeQuantile, histogramQuantile, type CumulativeBuckets, type QuantileEstimate } from '../lib/histogram-quantile';

/*
 * The gateway's own latency over a step: its event_broadcasting_latency histogram (producer →
 * socket write, the middle of an update's writes to its room) read before and after. Beside
 * the clients' latency it tells where a step's time went: a gateway that wrote on time to
 * clients that read late means the clients' core, not the gateway, failed the step.
 */

export interface GatewayLatency {
  p50?: QuantileEstimate;
  p99?: QuantileEstimate;
}

/** Cumulative bucket counts of the gateway's event_broadcasting_latency, summed over event types. */
export async function scrapeBroadcastBuckets(gatewayUrl: string, types: string | readonly string[]): Promise<CumulativeBuckets> {
  const wanted = (typeof types === 'string' ? [types] : types).map((type) => `type="${type}"`);
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const buckets: CumulativeBuckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('event_broadcasting_latency_bucket{') || !wanted.some((type) => line.includes(type))) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  }
  return buckets;
}

/** p50 and p99 of what the gateway observed between two scrapes. */
export function gatewayLatencyBetween(before: CumulativeBuckets, after: CumulativeBuckets): GatewayLatency {
  return { p50: histogramQuantile(before, after, 0.5), p99: histogramQuantile(before, after, 0.99) };
}

/** `gateway metric producer→write p50 ≈ … , p99 ≈ …`, as the step lines print it. */
export function describeGatewayLatency(latency: GatewayLatency): string {
  return `gateway metric producer→write p50 ${describeQuantile(latency.p50)}, p99 ${describeQuantile(latency.p99)}`;
}

/**
 * Runs a step and, for the gateway with `types` given, adds its own latency over the step
 * (`gatewayMetric`); other systems' steps come back as they ran.
 */
export async function withGatewayLatency(sut: SystemUnderTest, types: readonly string[] | undefined, run: () => Promise<StepResult>): Promise<StepResult> {
  if (sut.kind !== 'gateway' || !types?.length) return run();
  const before = await scrapeBroadcastBuckets(sut.url, types);
  const step = await run();
  return { ...step, gatewayMetric: gatewayLatencyBetween(before, await scrapeBroadcastBuckets(sut.url, types)) };
}
