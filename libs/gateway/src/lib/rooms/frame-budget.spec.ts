import { FrameBudget, type LoopTime } from './frame-budget';

describe('FrameBudget', () => {
  const settings = { minFramesPerSec: 10_000, maxFramesPerSec: 100_000, targetLoad: 0.8 };

  it('starts at the ceiling: with no load known, an update leaves at once', () => {
    expect(new FrameBudget(settings).framesPerSec).toBe(100_000);
  });

  it('shrinks while the loop is busier than the target, never below the floor, and grows back when it is not', () => {
    const budget = new FrameBudget(settings);
    budget.adjust(1, true, true);
    const afterOne = budget.framesPerSec;
    expect(afterOne).toBe(75_000);
    for (let i = 0; i < 50; i++) budget.adjust(1, true, true);
    expect(budget.framesPerSec).toBe(10_000);
    budget.adjust(0.4, true, true);
    expect(budget.framesPerSec).toBe(12_500);
    for (let i = 0; i < 50; i++) budget.adjust(0.1, true, true);
    expect(budget.framesPerSec).toBe(100_000);
  });

  it('grows only while it binds: a quiet loop keeps the budget the last busy period found', () => {
    const budget = new FrameBudget(settings);
    for (let i = 0; i < 4; i++) budget.adjust(1, true, true);
    const found = budget.framesPerSec;
    expect(found).toBeLessThan(40_000);
    for (let i = 0; i < 20; i++) budget.adjust(0.01, false, true);
    expect(budget.framesPerSec).toBe(found);
    // Shrinking does not wait for the budget to bind: a busy loop is busy whatever keeps it so.
    budget.adjust(1, false, true);
    expect(budget.framesPerSec).toBeLessThan(found);
    budget.adjust(0.4, true, true);
    expect(budget.framesPerSec).toBeGreaterThan(found * 0.75);
  });

  it('shrinks only while delivery is behind: a busy loop with nothing waiting keeps the budget', () => {
    const budget = new FrameBudget(settings);
    // One update written to a huge room: the loop is busy, but nothing waits for the next pass.
    for (let i = 0; i < 5; i++) budget.adjust(1, false, false);
    expect(budget.framesPerSec).toBe(100_000);
    budget.adjust(1, false, true);
    expect(budget.framesPerSec).toBe(75_000);
  });

  it('hears of delivery being behind once per period', () => {
    // A loop that is never idle.
    let active = 0;
    const budget = new FrameBudget(settings, undefined, () => ({ active, idle: 0 }));
    jest.useFakeTimers();
    try {
      budget.start();
      const busyPeriod = () => {
        active += 100;
        jest.advanceTimersByTime(100);
        return budget.framesPerSec;
      };
      expect(busyPeriod()).toBe(100_000);
      budget.noteBehind();
      expect(busyPeriod()).toBe(75_000);
      // Told once: the next busy period with nothing waiting does not shrink it again.
      expect(busyPeriod()).toBe(75_000);
    } finally {
      budget.stop();
      jest.useRealTimers();
    }
  });

  it('reports each new value, and only new ones', () => {
    const seen: number[] = [];
    const budget = new FrameBudget(settings, (framesPerSec) => seen.push(framesPerSec));
    budget.adjust(0.1, true, true);
    budget.adjust(1, true, true);
    budget.adjust(0.8, true, true);
    expect(seen).toEqual([100_000, 75_000]);
  });

  it('settles where the load meets the target', () => {
    const budget = new FrameBudget(settings);
    // A loop whose load is proportional to the frames it writes: 80 % at 60,000 frames/s.
    for (let i = 0; i < 200; i++) budget.adjust((budget.framesPerSec / 60_000) * 0.8, true, true);
    expect(budget.framesPerSec).toBeGreaterThan(57_000);
    expect(budget.framesPerSec).toBeLessThan(63_000);
  });

  it('grows after a busy period only when told it held delivery back', () => {
    let active = 0;
    let idle = 0;
    const loop = (): LoopTime => ({ active, idle });
    const budget = new FrameBudget(settings, undefined, loop);
    jest.useFakeTimers();
    try {
      budget.start();
      /** One adjustment period of 100 ms, `busy` of it active: the budget after it. */
      const period = (busy: number) => {
        active += busy;
        idle += 100 - busy;
        jest.advanceTimersByTime(100);
        return budget.framesPerSec;
      };
      budget.noteBehind();
      expect(period(100)).toBe(75_000);
      expect(period(0)).toBe(75_000);
      budget.noteHeldBack();
      expect(period(0)).toBe(93_750);
      // Told once: the next quiet period does not grow it again.
      expect(period(0)).toBe(93_750);
    } finally {
      budget.stop();
      jest.useRealTimers();
    }
  });

  it('follows the real event loop: a busy loop lowers the budget within a second', async () => {
    const budget = new FrameBudget(settings);
    budget.start();
    try {
      const until = Date.now() + 600;
      while (Date.now() < until) {
        // Busy for 50 ms at a time with a short yield, so the budget's timer gets its turns.
        const sliceEnd = Math.min(until, Date.now() + 50);
        while (Date.now() < sliceEnd);
        // As delivery says while updates keep coming during its passes.
        budget.noteBehind();
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(budget.framesPerSec).toBeLessThan(60_000);
    } finally {
      budget.stop();
    }
  });

  it('is pinned when the floor meets the ceiling', () => {
    let sampled = 0;
    const loop = (): LoopTime => ({ active: ++sampled * 100, idle: 0 });
    const budget = new FrameBudget({ ...settings, minFramesPerSec: 100_000 }, undefined, loop);
    budget.start();
    budget.stop();
    expect(sampled).toBe(0);
    expect(budget.framesPerSec).toBe(100_000);
  });
});
