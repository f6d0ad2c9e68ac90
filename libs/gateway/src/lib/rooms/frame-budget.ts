import { performance } from 'node:perf_hooks';

export interface FrameBudgetSettings {
  /** Frames per second the budget never goes below (how far frames may grow under overload). */
  minFramesPerSec: number;
  /** Frames per second the budget never exceeds. */
  maxFramesPerSec: number;
  /** Share of the event loop's time (0-1) the budget aims to keep busy at most. */
  targetLoad: number;
}

export interface LoopTime {
  active: number;
  idle: number;
}

/** How often the budget follows the event loop's load, ms: a few steps per second of a burst. */
const ADJUST_EVERY_MS = 100;
/** Largest change per adjustment, so one noisy sample cannot swing the budget. */
const MAX_STEP = 0.25;

/**
 * How many frames a second the replica's batched delivery may write: as many as the event loop
 * has time for. A frame costs one kernel write per socket whatever it holds, so when the loop is
 * busier than `targetLoad` the budget shrinks and updates gather into fewer, larger frames (more
 * updates per second for the same CPU, at some latency); when it has time to spare the budget
 * grows back, and each update leaves in a frame of its own as soon as it arrives. A budget that
 * only followed a fixed figure would be wrong both ways: too low for a few hundred sockets with
 * frequent updates (updates wait for nothing), too high for thousands of sockets (the loop falls
 * behind and every socket waits). `minFramesPerSec` = `maxFramesPerSec` pins it.
 *
 * The budget grows only while it binds (delivery told it, since the last adjustment, that a pass
 * was held back or that a paced pass waited for it between writes). An idle loop says nothing
 * about how many frames a burst could have: a budget that grew back to the ceiling in each
 * quiet moment started every burst with more frames than the loop could write, and the burst's
 * first few hundred milliseconds overloaded the loop (every socket waiting) until the budget
 * came back down.
 *
 * It shrinks only while delivery is behind (told, since the last adjustment, that updates came
 * while a pass was writing). Fewer frames help only then, by packing what waits into them. A
 * pass that writes one update to 19,000 sockets keeps the loop busy for a few hundred
 * milliseconds, and nothing else waits: shrinking after it only spread the next such pass over
 * a second, every socket's update later than if it had been written at once.
 */
export class FrameBudget {
  private current: number;
  private last: LoopTime | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A pass was held back by the budget since the last adjustment. */
  private bound = false;
  /** Updates came while a pass was writing, since the last adjustment. */
  private behind = false;

  constructor(
    private readonly settings: FrameBudgetSettings,
    /** Told each new value (for a gauge). */
    private readonly onChange: (framesPerSec: number) => void = () => undefined,
    /** The event loop's cumulative active and idle time (ms) since the process started. */
    private readonly sampleLoad: () => LoopTime = () => performance.eventLoopUtilization(),
  ) {
    this.current = settings.maxFramesPerSec;
    onChange(this.current);
  }

  get framesPerSec(): number {
    return this.current;
  }

  /** Starts following the event loop (nothing to follow when the budget is pinned). */
  start(): void {
    if (this.timer || this.settings.minFramesPerSec >= this.settings.maxFramesPerSec) return;
    this.last = this.sampleLoad();
    this.timer = setInterval(() => this.sample(), ADJUST_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Delivery held a pass back to keep within the budget: the budget binds, so it may grow. */
  noteHeldBack(): void {
    this.bound = true;
  }

  /** Updates came while a pass was writing: delivery is behind, so a busy loop may shrink it. */
  noteBehind(): void {
    this.behind = true;
  }

  /**
   * Moves the budget by the gap between the loop's load over the last period and the target:
   * down when the loop is busier than the target while delivery is behind, up only when the
   * budget held delivery back.
   */
  adjust(load: number, bound: boolean, behind: boolean): void {
    const { minFramesPerSec, maxFramesPerSec, targetLoad } = this.settings;
    const step = Math.min(MAX_STEP, Math.max(-MAX_STEP, (targetLoad - load) / targetLoad));
    if (step > 0 && !bound) return;
    if (step < 0 && !behind) return;
    const next = Math.round(Math.min(maxFramesPerSec, Math.max(minFramesPerSec, this.current * (1 + step))));
    if (next === this.current) return;
    this.current = next;
    this.onChange(next);
  }

  private sample(): void {
    const now = this.sampleLoad();
    const since = this.last;
    this.last = now;
    if (!since) return;
    const active = now.active - since.active;
    const idle = now.idle - since.idle;
    const bound = this.bound;
    const behind = this.behind;
    this.bound = false;
    this.behind = false;
    if (active + idle > 0) this.adjust(active / (active + idle), bound, behind);
  }
}
