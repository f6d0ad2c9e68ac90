import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pinProcess, type CorePlan } from './core-pinning';

/*
 * A calibration of the machine, run once before the scenarios: what one kernel write of a
 * frame to one of many loopback sockets costs. On a loopback bench that write is the wall:
 * every throughput and latency figure of scenarios 1, 2 and 5 scales with it, and it differs
 * by a factor of two between machines that look alike. The writer child sits on the server's
 * core, the reader on the others, as the servers and the generator do. The reader reads as the
 * load generator does (one shared buffer, Node's `onread`) and reports its CPU per read: the
 * other side's wall, which spreads one update to 1,000 clients over that many reads.
 */

/** Messages from the probe's children (write-probe.main.ts) to the runner. */
export type WriteProbeMessage =
  | { type: 'listening'; port: number }
  | { type: 'connected'; connected: number; failed: number; errors: string[] }
  | { type: 'rounds'; rounds: WriteRounds[] }
  | ({ type: 'reads' } & ReadTotals)
  | { type: 'error'; message: string };

/** The runner's request to the reader, once the writer is done: what reading cost since connecting. */
export interface ReadReportRequest {
  type: 'report-reads';
}

/** What the reader did between connecting and the report: reads, bytes and its own CPU. */
export interface ReadTotals {
  reads: number;
  bytes: number;
  userUs: number;
  systemUs: number;
}

/** The reader's cost per read (µs of its CPU, user and kernel), and how much a read took in. */
export interface ReadCost {
  reads: number;
  bytesPerRead: number;
  cpuUsPerRead: number;
  userUsPerRead: number;
  systemUsPerRead: number;
}

/** One payload size as the writer measured it: µs per write, one figure per round. */
export interface WriteRounds {
  bytes: number;
  perWriteUs: number[];
  /** Writes that Node had to queue (the socket's kernel buffer was full): these cost no system call. */
  queued: number;
}

export interface WriteCost {
  bytes: number;
  rounds: number;
  medianUs: number;
  minUs: number;
  queued: number;
}

export interface WriteProbeResult {
  sockets: number;
  writes: WriteCost[];
  /** The median write cost of the smaller payload times the socket count: a floor for writing every socket once. */
  passMs: number;
  /** The reader's cost per read over the same rounds; absent when it read nothing. */
  read?: ReadCost;
  durationMs: number;
}

export interface WriteProbeOptions {
  cores: CorePlan;
  /** 127.0.0.x source addresses the reader's connections are spread over. */
  sourceAddresses: string[];
  sockets?: number;
  timeoutMs?: number;
  log(line: string): void;
}

export const WRITE_PROBE_SOCKETS = 5000;
/**
 * The writer's plan: a frame of one update, then the size of a packed batch frame. Each size
 * stops early when its time is spent: at 17 µs a write, 100 rounds over 5,000 sockets alone
 * take 10 s, and the median of 60 rounds is as good.
 */
export const WRITE_PROBE_PLAN: readonly { bytes: number; rounds: number; budgetMs: number }[] = [
  { bytes: 200, rounds: 100, budgetMs: 6000 },
  { bytes: 2000, rounds: 50, budgetMs: 3000 },
];

/** Median and minimum over the rounds, rounded to 0.1 µs. */
export function summariseRounds(measured: WriteRounds): WriteCost {
  const sorted = [...measured.perWriteUs].sort((a, b) => a - b);
  if (sorted.length === 0) return { bytes: measured.bytes, rounds: 0, medianUs: NaN, minUs: NaN, queued: measured.queued };
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { bytes: measured.bytes, rounds: sorted.length, medianUs: tenth(median), minUs: tenth(sorted[0]), queued: measured.queued };
}

export function writeProbeResult(sockets: number, rounds: WriteRounds[], durationMs: number, reads?: ReadTotals): WriteProbeResult {
  const writes = rounds.map(summariseRounds);
  const first = writes[0];
  const result: WriteProbeResult = { sockets, writes, passMs: first ? Math.round((first.medianUs * sockets) / 1000) : NaN, durationMs };
  if (reads && reads.reads > 0) {
    result.read = {
      reads: reads.reads,
      bytesPerRead: Math.round(reads.bytes / reads.reads),
      cpuUsPerRead: tenth((reads.userUs + reads.systemUs) / reads.reads),
      userUsPerRead: tenth(reads.userUs / reads.reads),
      systemUsPerRead: tenth(reads.systemUs / reads.reads),
    };
  }
  return result;
}

/** "a 200-byte write to one of 5,000 loopback sockets costs 10.3 µs (min 7.0), 2,000 bytes 11.8 µs; …" */
export function describeWriteProbe(result: WriteProbeResult): string {
  const [first, ...others] = result.writes;
  if (!first) return 'no write measured';
  const queued = result.writes.reduce((sum, cost) => sum + cost.queued, 0);
  return (
    `a ${count(first.bytes)}-byte write to one of ${count(result.sockets)} loopback sockets costs ${first.medianUs.toFixed(1)} µs (min ${first.minUs.toFixed(1)})` +
    others.map((cost) => `, ${count(cost.bytes)} bytes ${cost.medianUs.toFixed(1)} µs`).join('') +
    `; one pass over ${count(result.sockets)} sockets ≥ ${result.passMs} ms` +
    (queued ? ` (${count(queued)} writes were queued, not written: the figures are too low)` : '') +
    (result.read
      ? `; a read costs the reader ${result.read.cpuUsPerRead.toFixed(1)} µs (${result.read.userUsPerRead.toFixed(1)} user, ${result.read.systemUsPerRead.toFixed(1)} kernel; ${count(result.read.bytesPerRead)} B per read)`
      : '')
  );
}

/** Runs the probe; a probe that fails is logged and gives undefined, never a failed bench. */
export async function runWriteProbe(options: WriteProbeOptions): Promise<WriteProbeResult | undefined> {
  const sockets = options.sockets ?? WRITE_PROBE_SOCKETS;
  const timeoutMs = options.timeoutMs ?? 30000;
  const started = Date.now();
  const children: ProbeChild[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result in ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const { rounds, reads } = await Promise.race([measure(options, sockets, children), timeout]);
    return writeProbeResult(sockets, rounds, Date.now() - started, reads);
  } catch (error) {
    options.log(`bench: write probe failed (${(error as Error).message}); continuing without it`);
    return undefined;
  } finally {
    clearTimeout(timer);
    // The writer first: it closes first, so the TIME_WAIT sockets are its own and not the reader's source ports.
    for (const child of children) await child.stop();
  }
}

async function measure(options: WriteProbeOptions, sockets: number, children: ProbeChild[]): Promise<{ rounds: WriteRounds[]; reads: ReadTotals }> {
  const writer = new ProbeChild('writer', [String(sockets)]);
  children.push(writer);
  pinProcess(writer.pid, options.cores.server, options.cores);
  const { port } = await writer.next('listening');
  const reader = new ProbeChild('reader', [String(port), String(sockets), options.sourceAddresses.join(',')]);
  children.push(reader);
  pinProcess(reader.pid, options.cores.rest, options.cores);
  const connected = await reader.next('connected');
  if (connected.failed > 0) throw new Error(`${connected.failed} of ${sockets} connections failed: ${connected.errors.join('; ')}`);
  const { rounds } = await writer.next('rounds');
  reader.send({ type: 'report-reads' });
  const { type: _type, ...reads } = await reader.next('reads');
  return { rounds, reads };
}

type MessageOf<T extends WriteProbeMessage['type']> = Extract<WriteProbeMessage, { type: T }>;

/** One child of the probe (dist/tools/bench/write-probe.js), its messages kept until asked for. */
class ProbeChild {
  private readonly child: ChildProcess;
  private readonly received: WriteProbeMessage[] = [];
  private wake: () => void = () => undefined;
  private exited: string | undefined;

  constructor(
    private readonly mode: 'writer' | 'reader',
    args: string[],
  ) {
    this.child = fork(path.join(__dirname, 'write-probe.js'), [mode, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: WriteProbeMessage) => {
      this.received.push(message);
      this.wake();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `the ${mode} exited (${signal ?? code})`;
      this.wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  send(message: ReadReportRequest): void {
    this.child.send(message);
  }

  async next<T extends WriteProbeMessage['type']>(type: T): Promise<MessageOf<T>> {
    for (;;) {
      const error = this.received.find((message): message is MessageOf<'error'> => message.type === 'error');
      if (error) throw new Error(`${this.mode}: ${error.message}`);
      const found = this.received.find((message): message is MessageOf<T> => message.type === type);
      if (found) return found;
      if (this.exited) throw new Error(this.exited);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Disconnecting tells the child to exit; one that does not within 2 s is killed. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.child.disconnect();
    else this.child.kill('SIGKILL');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

function tenth(value: number): number {
  return Math.round(value * 10) / 10;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
