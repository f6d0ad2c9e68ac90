import { ControlRateLimiter } from './control-rate-limiter';

describe('ControlRateLimiter', () => {
  const clock = { now: 0 };
  const limiterOf = (ratePerSec: number, burst: number) => new ControlRateLimiter(ratePerSec, burst, () => clock.now);
  beforeEach(() => (clock.now = 1_000_000));

  it('allows a burst, then asks to wait until the next token', () => {
    const limiter = limiterOf(2, 3);
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([0, 0, 0]);
    expect(limiter.take()).toBe(500);
    clock.now += 200;
    expect(limiter.take()).toBe(300);
  });

  it('refills at the sustained rate and never beyond the burst', () => {
    const limiter = limiterOf(10, 5);
    for (let i = 0; i < 5; i++) limiter.take();
    clock.now += 100;
    expect(limiter.take()).toBe(0);
    expect(limiter.take()).toBeGreaterThan(0);
    clock.now += 60_000;
    const allowed = Array.from({ length: 8 }, () => limiter.take()).filter((wait) => wait === 0);
    expect(allowed).toHaveLength(5);
  });

  it('holds a sustained rate over time', () => {
    const limiter = limiterOf(10, 1);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      clock.now += 10;
      if (limiter.take() === 0) allowed++;
    }
    expect(allowed).toBeGreaterThanOrEqual(99);
    expect(allowed).toBeLessThanOrEqual(101);
  });

  it('does not count refused requests against the budget', () => {
    const limiter = limiterOf(1, 1);
    expect(limiter.take()).toBe(0);
    for (let i = 0; i < 100; i++) expect(limiter.take()).toBeGreaterThan(0);
    clock.now += 1000;
    expect(limiter.take()).toBe(0);
  });
});
