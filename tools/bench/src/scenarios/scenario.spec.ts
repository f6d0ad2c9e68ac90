import type { RampResult } from '../harness/ramp';
import { step } from '../harness/step-result.test-kit';
import { cpuPerFrame } from './scenario';

describe('CPU per frame in words', () => {
  it('gives the cost of one frame and of a pass over every socket', () => {
    // 25 µs a frame: 5,000 sockets are 125 ms of a core, past what p99 ≤ 100 ms allows.
    const result: RampResult = { steps: [step(10_000, 30), step(20_000, 55)], stoppedBy: 'p99' };
    expect(cpuPerFrame(result, 'gateway', 5000)).toEqual({
      usPerFrame: 25,
      passMs: 125,
      words: 'gateway 25 µs (a pass over 5,000 sockets: 125 ms of a core)',
    });
  });

  it('says n/a without two passing steps', () => {
    expect(cpuPerFrame(undefined, 'baseline', 5000)).toEqual({ words: 'baseline n/a' });
    const one: RampResult = { steps: [step(10_000, 30)], stoppedBy: 'p99' };
    expect(cpuPerFrame(one, 'baseline', 5000).words).toBe('baseline n/a');
  });
});
