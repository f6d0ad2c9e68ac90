import type { CorePlan } from '../lib/core-pinning';
import { CpuMeter, rssBytesOf, type MachineInfo } from '../lib/process-stats';
import type { ClientPlan, ConnectResult } from '../generator/generator-protocol';
import type { LoadGeneratorHandle } from '../generator/load-generator.handle';
import type { LaunchContext, SystemUnderTest } from './system-under-test';
import { sleep } from './rate-step';

/** Everything a scenario needs, set up once per run by the runner. */
export interface BenchContext {
  machine: MachineInfo;
  cores: CorePlan;
  launch: LaunchContext;
  /** Multiplies client counts (1 = the sizes of the issue; smaller for quick checks). */
  scale: number;
  /** The systems to measure, in order (gateway, then baseline, unless one was asked for). */
  systems: readonly ('gateway' | 'baseline')[];
  /** Seconds scenario 4 watches the idle crowd's RSS after connecting (undefined: its default). */
  idleWindowSec?: number;
  /** Ramps start at this step (--first-step). */
  firstStep?: number;
  redis: { host: string; port: number; pid: number };
  generator: LoadGeneratorHandle;
  /** 127.0.0.x source addresses the clients are spread over. */
  sourceAddresses: string[];
  log(line: string): void;
}

export function scaled(context: BenchContext, count: number): number {
  return Math.max(10, Math.round(count * context.scale));
}

export function cpuMeterFor(context: BenchContext, sut: SystemUnderTest, extra: Record<string, number> = {}): CpuMeter {
  return new CpuMeter(() => ({
    [sut.kind]: sut.pid,
    ...sut.helpers,
    generator: context.generator.pid,
    redis: context.redis.pid,
    runner: process.pid,
    ...extra,
  }));
}

export interface ConnectedClients {
  connect: ConnectResult;
  members: Record<string, number>;
  /** Server RSS before and after connecting, bytes. */
  rssBefore: number;
  rssAfter: number;
}

/** Opens the clients against a server and waits until they are settled. */
export async function connectClients(
  context: BenchContext,
  sut: SystemUnderTest,
  clients: ClientPlan[],
  options: { settleMs?: number } = {},
): Promise<ConnectedClients> {
  const rssBefore = rssBytesOf(sut.pid);
  const connect = await context.generator.connect({
    url: sut.url,
    clients,
    sourceAddresses: context.sourceAddresses,
    concurrency: 200,
    timeoutMs: 20000,
    batch: sut.kind === 'gateway',
  });
  context.log(
    `  ${sut.kind}: ${connect.connected}/${clients.length} clients connected in ${connect.durationMs} ms` +
      (connect.failed || connect.joinFailures ? ` (${connect.failed} failed, ${connect.joinFailures} joins refused: ${connect.errors.join('; ')})` : ''),
  );
  if (connect.connected === 0) throw new Error(`no client could connect to the ${sut.kind}: ${connect.errors.join('; ')}`);
  await sleep(options.settleMs ?? 1000);
  const stats = await context.generator.stats();
  return { connect, members: stats.members, rssBefore, rssAfter: rssBytesOf(sut.pid) };
}

export async function closeClients(context: BenchContext): Promise<void> {
  await context.generator.closeClients();
  // Let the server process the disconnects before it is stopped or measured again.
  await sleep(500);
}
