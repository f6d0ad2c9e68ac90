import type { GatewayLatency } from './gateway-latency';
import { summarise, type LatencySummary } from '../lib/latency-histogram';
import type { CpuMeter, CpuWindow } from '../lib/process-stats';
import type { GeneratorStats } from '../generator/generator-protocol';
import type { LoadGeneratorHandle } from '../generator/load-generator.handle';

/*
 * One measured step: publish at a fixed rate for a few seconds, stop, let the backlog drain,
 * then read what the generator saw. Bounded in time: a step whose backlog grows past ~1 s of
 * deliveries is cut short (the server is past its limit; waiting longer only grows memory).
 */

export interface StepSource {
  /** Publishes update number n; returns the room it went to. */
  send(n: number): string;
  /** Updates handed to the transport but not yet acknowledged by it. */
  inFlight(): number;
}

export interface StepOptions {
  rate: number;
  durationMs: number;
  generator: LoadGeneratorHandle;
  cpu: CpuMeter;
  /** Members per room as the generator reported them after joining. */
  members: Record<string, number>;
  /** Largest number of undelivered messages tolerated before the step is cut short. */
  maxBacklog: number;
  /** Longest wait for stragglers after the last send. */
  drainMs?: number;
  /** Above this, the source is behind: sends are skipped and counted. */
  maxInFlight?: number;
  /** Ask the generator for per-update first/last receipt times (scenario 5). */
  trackUpdates?: boolean;
}

export interface StepResult {
  targetRate: number;
  /** Updates published per second, as achieved. */
  publishedRate: number;
  published: number;
  skippedBySource: number;
  expectedDeliveries: number;
  delivered: number;
  /** Expected deliveries per second of sending (what was offered). */
  offeredPerSec: number;
  /** Received messages per second, over sending plus draining (conservative). */
  deliveredPerSec: number;
  /** Deliveries per WebSocket frame received (above 1 when the server packs updates into batches). */
  deliveriesPerFrame: number;
  lost: number;
  gaps: number;
  outOfOrder: number;
  /** Resync snapshots (market data conflated for slow sockets). */
  snapshots: number;
  disconnects: number;
  latency: LatencySummary;
  cpu: CpuWindow;
  /** CPU µs per offered delivery, per process: comparable even when another process saturates. */
  cpuUsPerMessage: Record<string, number>;
  sendMs: number;
  drainMs: number;
  cutShort?: string;
  /** The gateway's own producer → socket write latency over the step (ramps of the gateway). */
  gatewayMetric?: GatewayLatency;
  /** A failed step that was run again (the retry follows it). */
  superseded?: boolean;
  /** Raw generator stats, for scenarios that derive more from them (not written to JSON). */
  raw?: GeneratorStats;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runStep(source: StepSource, options: StepOptions): Promise<StepResult> {
  const { generator, members } = options;
  await generator.reset(options.trackUpdates === true);
  const perRoom = new Map<string, number>();
  let published = 0;
  let skipped = 0;
  let cutShort: string | undefined;
  const maxInFlight = options.maxInFlight ?? 20000;
  const expectedSoFar = () => {
    let total = 0;
    for (const [room, count] of perRoom) total += count * (members[room] ?? 0);
    return total;
  };

  options.cpu.start();
  const started = performance.now();
  let nextCheck = started + 200;
  let n = 0;
  for (;;) {
    const now = performance.now();
    const elapsed = now - started;
    if (elapsed >= options.durationMs) break;
    const due = Math.floor((options.rate * elapsed) / 1000) - n;
    for (let i = 0; i < due; i++, n++) {
      if (source.inFlight() >= maxInFlight) {
        skipped++;
        continue;
      }
      const room = source.send(n);
      perRoom.set(room, (perRoom.get(room) ?? 0) + 1);
      published++;
    }
    if (now >= nextCheck) {
      nextCheck = now + 200;
      const { received } = await generator.progress();
      const backlog = expectedSoFar() - received;
      if (backlog > options.maxBacklog) {
        cutShort = `backlog of ${backlog} undelivered messages after ${Math.round(elapsed)} ms`;
        break;
      }
    }
    await sleep(1);
  }
  const sendMs = performance.now() - started;
  const cpu = options.cpu.stop();

  const expected = expectedSoFar();
  const drainStarted = performance.now();
  const drainLimit = options.drainMs ?? 10000;
  let last = -1;
  let lastProgressAt = drainStarted;
  for (;;) {
    const { received } = await generator.progress();
    const now = performance.now();
    if (received >= expected) break;
    if (received !== last) {
      last = received;
      lastProgressAt = now;
    } else if (now - lastProgressAt > 2000) break;
    if (now - drainStarted > drainLimit) break;
    await sleep(50);
  }
  const drainMs = performance.now() - drainStarted;
  const stats: GeneratorStats = await generator.stats();
  return {
    targetRate: options.rate,
    publishedRate: round((published / sendMs) * 1000),
    published,
    skippedBySource: skipped,
    expectedDeliveries: expected,
    delivered: stats.received,
    offeredPerSec: Math.round((expected / sendMs) * 1000),
    deliveredPerSec: Math.round((stats.received / (sendMs + drainMs)) * 1000),
    deliveriesPerFrame: stats.frames > 0 ? round(stats.received / stats.frames, 2) : 0,
    lost: Math.max(0, expected - stats.received),
    gaps: stats.gaps,
    outOfOrder: stats.outOfOrder,
    snapshots: stats.snapshots,
    disconnects: stats.disconnects,
    latency: summarise(stats.histogram),
    cpu,
    cpuUsPerMessage: Object.fromEntries(
      Object.entries(cpu.perProcess).map(([name, percent]) => [name, expected ? round(((percent / 100) * cpu.seconds * 1e6) / expected, 2) : NaN]),
    ),
    sendMs: Math.round(sendMs),
    drainMs: Math.round(drainMs),
    cutShort,
    raw: options.trackUpdates ? stats : undefined,
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export { sleep };
