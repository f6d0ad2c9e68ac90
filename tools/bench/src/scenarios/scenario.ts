import type { BenchContext } from '../harness/bench-context';
import { fmt, marginalCost, marginalFrameCost, type RampResult } from '../harness/ramp';
import type { StepResult } from '../harness/rate-step';
import type { FeedItem, RoomFeeder } from '../harness/room-feeder';
import { startBaseline, startGateway, type SystemUnderTest } from '../harness/system-under-test';

export interface ScenarioOutcome {
  /** The one summary line printed at the end. */
  summary: string;
  /** Written to tmp/bench/<n>-<name>.json with the machine and the command. */
  data: Record<string, unknown>;
  /** Lines for tmp/bench/summary.md (the source of BENCHMARKS.md's tables). */
  markdown: string[];
}

export interface Scenario {
  id: number;
  name: string;
  title: string;
  run(context: BenchContext): Promise<ScenarioOutcome>;
}

/** A step without the raw generator data, for JSON. */
export function stepForReport(step: StepResult | undefined): Omit<StepResult, 'raw'> | undefined {
  if (!step) return undefined;
  const { raw: _raw, ...rest } = step;
  return rest;
}

export function ratio(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || !baseline) return undefined;
  return Math.round((value / baseline) * 100) / 100;
}

export function show(value: number | undefined, unit = ''): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${Math.round(value).toLocaleString('en-US')}${unit}`;
}

/** A figure already rounded to what it means (KiB to a tenth), as it is; n/a when missing, as `show`. */
export function showFigure(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : String(value);
}

export function showRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value}×`;
}

export function redisEnv(context: BenchContext): Record<string, string> {
  return { REDIS_HOST: context.redis.host, REDIS_PORT: String(context.redis.port) };
}

export function sendItem(feeder: RoomFeeder, item: FeedItem): string {
  void feeder.send(item);
  return item.room;
}

export function average(values: number[]): number {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}

export function report(result: (RampResult & { connectMs: number }) | undefined) {
  if (!result) return undefined;
  return {
    connectMs: result.connectMs,
    best: stepForReport(result.best),
    bestSustained: stepForReport(result.bestSustained),
    stoppedBy: result.stoppedBy,
    steps: result.steps.map(stepForReport),
  };
}

/** The gateway, or the Redis-fed baseline, for scenarios 1-4. */
export function startSystem(
  context: BenchContext,
  kind: 'gateway' | 'baseline',
  options: { knownSymbols?: string[]; authBridge?: boolean; inspect?: boolean } = {},
): Promise<SystemUnderTest> {
  return kind === 'gateway'
    ? startGateway(context.launch, context.redis, options)
    : startBaseline(context.launch, 'baseline-redis', redisEnv(context), { inspect: options.inspect });
}

/** Marginal CPU µs per delivered message of the server (see marginalCost). */
export function cpuPerMessage(result: RampResult | undefined, kind: string, p99LimitMs = 100): string {
  const cost = result ? marginalCost(result.steps, kind, p99LimitMs)?.usPerMessage : undefined;
  return cost === undefined ? 'n/a' : `${cost} µs`;
}

/**
 * Marginal CPU µs per WebSocket frame of the server, and what one pass over `sockets` costs its
 * core at that rate. Once every socket has an update in each pass, p99 within the limit needs a
 * pass shorter than the limit whatever the update rate, so this says how far a run's machine lets
 * packing go (scenario 1: about 16.4 µs a frame for 5,000 sockets at the gateway's default load
 * target of 90 %, BENCHMARKS.md).
 */
export function cpuPerFrame(result: RampResult | undefined, kind: string, sockets: number, p99LimitMs = 100): { usPerFrame?: number; passMs?: number; words: string } {
  const usPerFrame = result ? marginalFrameCost(result.steps, kind, p99LimitMs) : undefined;
  if (usPerFrame === undefined) return { words: `${kind} n/a` };
  const passMs = Math.round((sockets * usPerFrame) / 100) / 10;
  return { usPerFrame, passMs, words: `${kind} ${usPerFrame} µs (a pass over ${fmt(sockets)} sockets: ${passMs} ms of a core)` };
}
