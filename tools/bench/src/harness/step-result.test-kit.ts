import type { StepResult } from './rate-step';

/**
 * A step that passed a 100 ms limit with nothing lost, as the ramp records it: `offeredPerSec`
 * messages a second, the gateway at `serverPercent` of its core, the generator at 30 %.
 */
export function step(offeredPerSec: number, serverPercent: number, overrides: Partial<StepResult> = {}): StepResult {
  return {
    targetRate: 1,
    publishedRate: 1,
    published: 1,
    skippedBySource: 0,
    expectedDeliveries: offeredPerSec * 3,
    delivered: offeredPerSec * 3,
    offeredPerSec,
    deliveredPerSec: offeredPerSec,
    deliveriesPerFrame: 1,
    lost: 0,
    gaps: 0,
    outOfOrder: 0,
    snapshots: 0,
    disconnects: 0,
    latency: { count: 100, minMs: 1, meanMs: 2, p50Ms: 2, p90Ms: 3, p99Ms: 5, p999Ms: 6, maxMs: 7 },
    cpu: { perProcessUser: {}, perProcess: { gateway: serverPercent, generator: 30 }, machine: serverPercent + 40, others: 5, steal: 0, seconds: 3 },
    cpuUsPerMessage: {},
    sendMs: 3000,
    drainMs: 10,
    ...overrides,
  };
}
