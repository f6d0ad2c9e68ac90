import { describeStep, marginalCost, marginalFrameCost, passes, saturationOf } from './ramp';
import { step } from './step-result.test-kit';

describe('ramp verdicts', () => {
  it('passes a step only within the latency limit, with nothing lost and not cut short', () => {
    expect(passes(step(1000, 10), 100)).toBe(true);
    expect(passes(step(1000, 10, { lost: 1 }), 100)).toBe(false);
    expect(passes(step(1000, 10, { cutShort: 'backlog' }), 100)).toBe(false);
    expect(passes(step(1000, 10, { latency: { ...step(1, 1).latency, p99Ms: 101 } }), 100)).toBe(false);
  });

  it('measures the CPU cost per message as the slope, not charging idle cost to messages', () => {
    // 5 % of a core idle, plus 20 µs per message.
    const steps = [10_000, 20_000, 40_000].map((rate) => step(rate, 5 + (rate * 20) / 1e4));
    expect(marginalCost(steps, 'gateway', 100)).toEqual({ usPerMessage: 20, idleCores: 0.05 });
    expect(marginalCost(steps.slice(0, 1), 'gateway', 100)).toBeUndefined();
  });

  it('measures the CPU cost per frame against frames a second, so packed steps count what they wrote', () => {
    // 5 % of a core idle, plus 20 µs per frame; the later steps pack 1.5 and 2 messages a frame.
    const packed = [
      [10_000, 1],
      [30_000, 1.5],
      [60_000, 2],
    ].map(([rate, perFrame]) => step(rate, 5 + (rate / perFrame) * 20 / 1e4, { deliveriesPerFrame: perFrame }));
    expect(marginalFrameCost(packed, 'gateway', 100)).toBe(20);
    // Per message the same steps look cheaper: packing spreads a frame over its messages.
    expect(marginalCost(packed, 'gateway', 100)?.usPerMessage).toBeLessThan(10);
    // Steps that wrote the same frames a second give no slope.
    const sameFrames = [step(10_000, 25), step(20_000, 25, { deliveriesPerFrame: 2 })];
    expect(marginalFrameCost(sameFrames, 'gateway', 100)).toBeUndefined();
  });

  it('names the process that ran out of CPU, so a busy generator or machine is not taken for the server', () => {
    expect(saturationOf(step(1, 95), 'gateway')).toMatch(/^gateway CPU saturated/);
    expect(saturationOf(step(1, 50, { cpu: { perProcessUser: {}, perProcess: { gateway: 50, generator: 97 }, machine: 160, others: 0, steal: 0, seconds: 3 } }), 'gateway')).toMatch(
      /^generator CPU saturated/,
    );
    expect(saturationOf(step(1, 50, { cpu: { perProcessUser: {}, perProcess: { gateway: 50, generator: 40 }, machine: 195, others: 100, steal: 0, seconds: 3 } }), 'gateway')).toMatch(
      /^machine saturated/,
    );
    // A virtual machine whose host took its cores: said so, since no process of the run used that time.
    expect(saturationOf(step(1, 50, { cpu: { perProcessUser: {}, perProcess: { gateway: 50, generator: 40 }, machine: 195, others: 100, steal: 85, seconds: 3 } }), 'gateway')).toBe(
      "machine saturated (195% of 200%, other work 100%, of which the host took 85% (steal)): not the gateway's limit",
    );
    // The server's core at 79 %, the other one full though the generator alone is at 78 %.
    expect(saturationOf(step(1, 79, { cpu: { perProcessUser: {}, perProcess: { gateway: 79, generator: 78, redis: 6.7, runner: 15 }, machine: 177.9, others: 0, steal: 0, seconds: 3 } }), 'gateway')).toBe(
      "generator's cores saturated (98.9% of 100%, generator 78%): a lower bound of the gateway's capacity",
    );
    expect(saturationOf(step(1, 79, { cpu: { perProcessUser: {}, perProcess: { gateway: 79, generator: 60 }, machine: 150, others: 0, steal: 0, seconds: 3 } }), 'gateway')).toMatch(/^no CPU saturated/);
    // The server at its load target while the bench's own core is full: both are named, not the server alone.
    expect(saturationOf(step(1, 90, { cpu: { perProcessUser: {}, perProcess: { gateway: 90, generator: 77, redis: 5.3, runner: 12 }, machine: 184.3, others: 0, steal: 0, seconds: 3 } }), 'gateway')).toBe(
      "gateway CPU saturated (90%) and generator's cores saturated (94.3% of 100%, generator 77%): the gateway's limit or the clients'",
    );
    // A full machine whose other core is not full is the server's own core.
    expect(saturationOf(step(1, 99, { cpu: { perProcessUser: {}, perProcess: { baseline: 99, generator: 66, redis: 3, runner: 7 }, machine: 182.3, others: 4, steal: 0, seconds: 3 } }), 'baseline')).toBe(
      'baseline CPU saturated (99%)',
    );
    // A full machine with no other work on it is the bench's own core, not the machine's.
    expect(saturationOf(step(1, 88.3, { cpu: { perProcessUser: {}, perProcess: { gateway: 88.3, generator: 81.3, redis: 6, runner: 12.7 }, machine: 188.3, others: 0, steal: 0, seconds: 3 } }), 'gateway')).toBe(
      "generator's cores saturated (100% of 100%, generator 81.3%): a lower bound of the gateway's capacity",
    );
    // Not pinned (no taskset): the server may have run on the generator's core too, so its share says nothing.
    expect(saturationOf(step(1, 79, { cpu: { perProcessUser: {}, perProcess: { gateway: 79, generator: 78, redis: 6.7, runner: 15 }, machine: 177.9, others: 0, steal: 0, seconds: 3 } }), 'gateway', 2, false)).toMatch(
      /^no CPU saturated/,
    );
  });

  it("prints the gateway's own producer → write latency beside the clients', when the step read it", () => {
    const estimate = (ms: number, low: number, high: number) => ({ ms, bucketMs: [low, high] as [number, number], count: 100 });
    const withMetric = step(1000, 50, { gatewayMetric: { p50: estimate(33.05, 25, 35), p99: estimate(49.88, 35, 50) } });
    expect(describeStep('gateway', withMetric)).toMatch(/; gateway metric producer→write p50 ≈ 33.05 ms \(bucket 25-35\), p99 ≈ 49.88 ms \(bucket 35-50\)$/);
    expect(describeStep('gateway', step(1000, 50))).not.toContain('gateway metric');
  });

  it("shows the server's time in user mode beside its total, so code can be compared across machines whose writes cost more or less", () => {
    const cpu = { perProcessUser: { gateway: 41.5, generator: 20 }, perProcess: { gateway: 79, generator: 60 }, machine: 150, others: 0, steal: 0, seconds: 3 };
    expect(describeStep('gateway', step(1000, 79, { cpu }))).toContain('cpu gateway 79% (user 41.5%) generator 60% others 0%');
  });
});
