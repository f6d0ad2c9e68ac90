import type { BenchContext } from './bench-context';
import { cpuMeterFor } from './bench-context';
import { describeGatewayLatency, withGatewayLatency } from './gateway-latency';
import { runStep, sleep, type StepResult, type StepSource } from './rate-step';
import type { SystemUnderTest } from './system-under-test';

/*
 * Rising load: each step offers `factor` times the deliveries of the previous one, until a
 * step misses the latency limit, loses a message or has to be cut short. The answer is the
 * last step that passed.
 */

export interface RampOptions {
  source: StepSource;
  members: Record<string, number>;
  /** Average members of the room an update goes to (deliveries per update). */
  membersPerUpdate: number;
  startDeliveriesPerSec: number;
  factor: number;
  maxSteps: number;
  stepMs: number;
  p99LimitMs: number;
  /**
   * Keep raising the load while p99 stays below this (default: p99LimitMs). A hot room can
   * miss 100 ms on a single update (one burst to every member); going on shows its throughput.
   */
  continueWhileP99BelowMs?: number;
  /** Stop once the best passing step's delivered rate is known to exceed this (saves time). */
  maxDeliveriesPerSec?: number;
  /** Event types of the updates, for the gateway's own producer → socket write latency of each step. */
  eventTypes?: readonly string[];
}

export interface RampResult {
  steps: StepResult[];
  /** The last step with p99 within the limit, nothing lost and not cut short. */
  best?: StepResult;
  /** With continueWhileP99BelowMs: the last step within that looser limit. */
  bestSustained?: StepResult;
  /** Why the ramp stopped, with the CPU picture of the failing step. */
  stoppedBy: string;
}

export function passes(step: StepResult, p99LimitMs: number): boolean {
  return step.latency.count > 0 && step.latency.p99Ms <= p99LimitMs && step.lost === 0 && !step.cutShort;
}

export async function ramp(context: BenchContext, sut: SystemUnderTest, options: RampOptions): Promise<RampResult> {
  const steps: StepResult[] = [];
  let best: StepResult | undefined;
  let bestSustained: StepResult | undefined;
  const continueLimit = Math.max(options.continueWhileP99BelowMs ?? options.p99LimitMs, options.p99LimitMs);
  let stoppedBy = `reached the last step (${options.maxSteps})`;
  const cpu = cpuMeterFor(context, sut);
  const stepAt = (deliveries: number, durationMs: number): Promise<StepResult> =>
    withGatewayLatency(sut, options.eventTypes, () =>
      runStep(options.source, {
        // At least one update a second, so a step of a huge room is more than one burst.
        rate: Math.max(1, deliveries / options.membersPerUpdate),
        durationMs,
        generator: context.generator,
        cpu,
        members: options.members,
        maxBacklog: Math.min(200_000, Math.max(20_000, deliveries)),
      }),
    );
  // Warm-up (JIT, buffers, connection pools), not reported.
  await stepAt(options.startDeliveriesPerSec, 1000);
  for (let index = Math.min(context.firstStep ?? 0, options.maxSteps - 1); index < options.maxSteps; index++) {
    const deliveries = options.startDeliveriesPerSec * options.factor ** index;
    const step = await withRetries(context, sut.kind, steps, () => stepAt(deliveries, options.stepMs), (result) => passes(result, continueLimit));
    steps.push(step);
    if (!passes(step, continueLimit)) {
      stoppedBy = failureOf(step, sut.kind, continueLimit, context.machine.nproc, context.cores.pinned);
      break;
    }
    bestSustained = step;
    if (passes(step, options.p99LimitMs)) best = step;
    if (options.maxDeliveriesPerSec && step.deliveredPerSec >= options.maxDeliveriesPerSec) {
      stoppedBy = `passed ${options.maxDeliveriesPerSec} deliveries/s, the cap of this scenario`;
      break;
    }
  }
  return { steps, best, bestSustained: options.continueWhileP99BelowMs ? bestSustained : undefined, stoppedBy };
}

/**
 * Runs a step, and again when it fails: once (unless retryWhenQuiet is false), or twice after
 * a pause when other work was busy on the machine (a shared machine can fail a step for
 * reasons outside the run). Failed attempts are kept in `steps`, marked superseded.
 */
export async function withRetries(
  context: BenchContext,
  kind: string,
  steps: StepResult[],
  run: () => Promise<StepResult>,
  ok: (step: StepResult) => boolean,
  options: { retryWhenQuiet?: boolean } = {},
): Promise<StepResult> {
  for (let attempt = 1; ; attempt++) {
    const step = await run();
    context.log(`  ${describeStep(kind, step)}${attempt > 1 ? ' (retry)' : ''}`);
    const othersBusy = step.cpu.others >= 40;
    const attempts = othersBusy ? 3 : options.retryWhenQuiet === false ? 1 : 2;
    if (ok(step) || attempt >= attempts) return step;
    steps.push({ ...step, superseded: true });
    if (othersBusy) await sleep(3000);
  }
}

export function describeStep(kind: string, step: StepResult): string {
  // The server's time in user mode beside its total: the rest is the kernel's writes, the machine's cost.
  const user = step.cpu.perProcessUser[kind];
  const cpu = Object.entries(step.cpu.perProcess)
    .map(([name, value]) => `${name} ${value}%${name === kind && user !== undefined ? ` (user ${user}%)` : ''}`)
    .join(' ');
  const latency = step.latency;
  return (
    `${kind.padEnd(8)} ${fmtRate(step.publishedRate)} upd/s → ${fmt(step.deliveredPerSec)} msg/s (${step.cpuUsPerMessage[kind]} µs CPU/msg, ${step.deliveriesPerFrame} msg/frame): ` +
    `p50 ${latency.p50Ms} p99 ${latency.p99Ms} p99.9 ${latency.p999Ms} max ${latency.maxMs} ms, ` +
    `lost ${step.lost}${step.gaps ? ` gaps ${step.gaps}` : ''}${step.snapshots ? ` resyncs ${step.snapshots}` : ''}${step.disconnects ? ` disconnects ${step.disconnects}` : ''}${step.skippedBySource ? ` feed-skipped ${step.skippedBySource}` : ''}; ` +
    `cpu ${cpu} others ${step.cpu.others}%${step.cpu.steal ? ` (steal ${step.cpu.steal}%)` : ''}${step.cutShort ? `; cut short: ${step.cutShort}` : ''}` +
    (step.gatewayMetric ? `; ${describeGatewayLatency(step.gatewayMetric)}` : '')
  );
}

export function failureOf(step: StepResult, kind: string, p99LimitMs: number, cores = 2, serverPinned = true): string {
  const reasons: string[] = [];
  if (step.cutShort) reasons.push(step.cutShort);
  if (step.latency.p99Ms > p99LimitMs) reasons.push(`p99 ${step.latency.p99Ms} ms > ${p99LimitMs} ms`);
  if (step.lost > 0) reasons.push(`${step.lost} lost`);
  return `${reasons.join(', ')} at ${fmt(step.offeredPerSec)} msg/s offered; ${saturationOf(step, kind, cores, serverPinned)}`;
}

/**
 * Which CPU ran out in a step, so a saturated generator or a busy machine is never taken for the
 * server's limit. Every core that ran out is named: a server at its load target beside a full
 * generator's core failed the step on either.
 */
export function saturationOf(step: StepResult, kind: string, cores = 2, serverPinned = true): string {
  const server = step.cpu.perProcess[kind] ?? NaN;
  const generator = step.cpu.perProcess['generator'] ?? NaN;
  const serverFull = server >= 90;
  const clients = clientSideSaturation(step, kind, cores, serverPinned);
  if (serverFull && clients) return `${kind} CPU saturated (${server}%) and ${clients.what}: the ${kind}'s limit or the clients'`;
  if (serverFull) return `${kind} CPU saturated (${server}%)`;
  if (clients) return `${clients.what}: ${clients.machine ? `not the ${kind}'s limit` : `a lower bound of the ${kind}'s capacity`}`;
  return `no CPU saturated (${kind} ${server}%, generator ${generator}%, machine ${step.cpu.machine}%)`;
}

/** The generator, its cores or the whole machine, when full; `machine` when other work filled it. */
function clientSideSaturation(step: StepResult, kind: string, cores: number, serverPinned: boolean): { what: string; machine: boolean } | undefined {
  const server = step.cpu.perProcess[kind] ?? NaN;
  const generator = step.cpu.perProcess['generator'] ?? NaN;
  if (generator >= 90) return { what: `generator CPU saturated (${generator}%)`, machine: false };
  const machineFull = step.cpu.machine >= cores * 100 * 0.9;
  const machine = () => {
    const steal = step.cpu.steal ? `, of which the host took ${step.cpu.steal}% (steal)` : '';
    return { what: `machine saturated (${step.cpu.machine}% of ${cores * 100}%, other work ${step.cpu.others}%${steal})`, machine: true };
  };
  // Work outside the bench (or the host) filling the machine comes first: it is nobody's limit.
  if (machineFull && step.cpu.others >= 10) return machine();
  // A pinned server has a core to itself; the generator shares the others with the feed, Redis
  // and the runner, so those cores can be full while no one process looks busy. A full machine
  // whose other cores are not is the server's own core: that is the server's saturation.
  if (serverPinned && cores > 1) {
    const rest = Math.round((step.cpu.machine - server) * 10) / 10;
    if (rest < (cores - 1) * 100 * 0.9) return undefined;
    return { what: `generator's cores saturated (${rest}% of ${(cores - 1) * 100}%, generator ${generator}%)`, machine: false };
  }
  return machineFull ? machine() : undefined;
}

/** The best passing step in words, or why none passed. */
export function bestInWords(result: RampResult | undefined, kind: string): string {
  if (!result) return `${kind}: not run`;
  const best = result.best;
  if (best) {
    return `${kind} ${fmt(best.deliveredPerSec)} msg/s (${fmtRate(best.publishedRate)} upd/s) [p50 ${best.latency.p50Ms} p99 ${best.latency.p99Ms} p99.9 ${best.latency.p999Ms} ms, ${kind} CPU ${best.cpu.perProcess[kind]}%, ${best.cpuUsPerMessage[kind]} µs/msg]`;
  }
  const first = result.steps[0];
  const lowest = first
    ? `; at the lowest load, ${fmt(first.offeredPerSec)} msg/s (${fmtRate(first.publishedRate)} upd/s): p50 ${first.latency.p50Ms} p99 ${first.latency.p99Ms} ms`
    : '';
  return `${kind}: no step passed (${result.stoppedBy})${lowest}`;
}

/** Update rates: one decimal below 10/s. */
export function fmtRate(value: number): string {
  return value < 10 ? value.toFixed(1) : fmt(value);
}

export function fmt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : String(value);
}

/**
 * CPU cost of a process per delivered message, as the slope of its CPU against the offered
 * message rate over the steps that passed (a least-squares line); the intercept is what it
 * burns with no traffic. Unlike CPU ÷ messages at one step, this does not charge the fixed
 * cost (timers, pings, metrics) to the messages.
 */
export function marginalCost(steps: readonly StepResult[], name: string, p99LimitMs: number): { usPerMessage: number; idleCores: number } | undefined {
  const fit = cpuSlope(steps, name, p99LimitMs, (step) => step.offeredPerSec);
  return fit && { usPerMessage: fit.usPerUnit, idleCores: fit.idleCores };
}

/**
 * The same slope against WebSocket frames a second (offered messages ÷ messages per frame): what
 * one more frame costs the process, kernel write included. It decides scenario 1 (see
 * cpuPerFrame in scenarios/scenario.ts), since the frames needed to keep p99 within the limit do
 * not grow with the update rate once every socket has an update in each pass.
 */
export function marginalFrameCost(steps: readonly StepResult[], name: string, p99LimitMs: number): number | undefined {
  return cpuSlope(steps, name, p99LimitMs, (step) => step.offeredPerSec / Math.max(1, step.deliveriesPerFrame))?.usPerUnit;
}

function cpuSlope(
  steps: readonly StepResult[],
  name: string,
  p99LimitMs: number,
  x: (step: StepResult) => number,
): { usPerUnit: number; idleCores: number } | undefined {
  const points = steps
    .filter((step) => !step.superseded && passes(step, p99LimitMs) && Number.isFinite(step.cpu.perProcess[name]))
    .map((step) => [x(step), step.cpu.perProcess[name] / 100] as const);
  if (points.length < 2) return undefined;
  const n = points.length;
  const meanX = points.reduce((sum, [px]) => sum + px, 0) / n;
  const meanY = points.reduce((sum, [, py]) => sum + py, 0) / n;
  const sxx = points.reduce((sum, [px]) => sum + (px - meanX) ** 2, 0);
  if (sxx === 0) return undefined;
  const slope = points.reduce((sum, [px, py]) => sum + (px - meanX) * (py - meanY), 0) / sxx;
  return { usPerUnit: Math.round(slope * 1e6 * 100) / 100, idleCores: Math.round((meanY - slope * meanX) * 1000) / 1000 };
}
