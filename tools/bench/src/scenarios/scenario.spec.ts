import type { RampResult } from '../harness/ramp';
import type { StepResult } from '../harness/rate-step';
import { cpuPerFrame } from './scenario';

function passingStep(offeredPerSec: number, gatewayPercent: number): StepResult {
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
    cpu: { perProcessUser: {}, perProcess: { gateway: gatewayPercent }, machine: gatewayPercent, others: 0, steal: 0, seconds: 3 },
    cpuUsPerMessage: {},
    sendMs: 3000,
    drainMs: 10,
  };
}

describe('CPU per frame in words', () => {
  it('gives the cost of one frame and of a pass over every socket', () => {
    // 25 µs a frame: 5,000 sockets are 125 ms of a core, past what p99 ≤ 100 ms allows.
    const result: RampResult = { steps: [passingStep(10_000, 30), passingStep(20_000, 55)], stoppedBy: 'p99' };
    expect(cpuPerFrame(result, 'gateway', 5000)).toEqual({
      usPerFrame: 25,
      passMs: 125,
      words: 'gateway 25 µs (a pass over 5,000 sockets: 125 ms of a core)',
    });
  });

  it('says n/a without two passing steps', () => {
    expect(cpuPerFrame(undefined, 'baseline', 5000)).toEqual({ words: 'baseline n/a' });
    const one: RampResult = { steps: [passingStep(10_000, 30)], stoppedBy: 'p99' };
    expect(cpuPerFrame(one, 'baseline', 5000).words).toBe('baseline n/a');
  });
});
