import type { ClientPlan } from '../generator/generator-protocol';
import { closeClients, connectClients, cpuMeterFor, scaled, type BenchContext } from '../harness/bench-context';
import { sleep } from '../harness/rate-step';
import { rssBytesOf } from '../lib/process-stats';
import type { SystemUnderTest } from '../harness/system-under-test';
import { heapUsedAfterGc } from '../lib/inspector-heap';
import { ratio, show, showFigure, showRatio, startSystem, type Scenario } from './scenario';

/*
 * Scenario 4, idle connections: 19,000 anonymous connections that join nothing themselves
 * (the gateway still puts each in system:alerts). RSS of the server before and after, per
 * connection; the CPU an idle crowd costs.
 *
 * The clients connect in two halves. RSS over all connections counts costs paid once, above
 * all V8's young generation growing from 4 to 32 MiB during the first burst of connects (about
 * 1.5 KiB per connection at 19,000); the second half's RSS per connection is what one more idle
 * connection costs. Both are reported.
 *
 * RSS 3 s after a burst still holds the handshakes' garbage, not yet collected, so beside it the
 * V8 heap used after a full GC (read over the server's inspector, for both systems alike) is
 * reported per connection over the same two spans: the live JavaScript cost of a connection.
 * The heap is read in a second pass, on a fresh server started with its inspector open: with
 * both in one pass, the forced GCs moved the RSS figures by up to 2.4 KiB per connection
 * (the gateway's down, the baseline's up), even with every heap read after the RSS read.
 */
const TARGET_KB = 8;
/** Seconds the idle crowd's RSS is watched after the connects (--idle-seconds): past one full collection at the defaults. */
export const DEFAULT_IDLE_WINDOW_SEC = 120;

interface HeapPass {
  beforeBytes: number;
  halfwayBytes: number;
  afterBytes: number;
  connected: number;
  connectedSecondHalf: number;
}

/** Heap used after a full GC before connecting, halfway and after both halves, on a fresh server. */
async function measureHeap(context: BenchContext, kind: 'gateway' | 'baseline', clients: ClientPlan[]): Promise<HeapPass> {
  context.log(`  ${kind}: heap pass, on a fresh server with its inspector open`);
  const sut = await startSystem(context, kind, { inspect: true });
  const heapAfterGc = async (moment: string): Promise<number> => {
    try {
      if (!sut.inspectorPort) throw new Error('started without an inspector');
      return await heapUsedAfterGc(sut.inspectorPort);
    } catch (error) {
      context.log(`  ${kind}: heap ${moment} not read: ${(error as Error).message}`);
      return NaN;
    }
  };
  try {
    await sleep(1000);
    const half = Math.floor(clients.length / 2);
    const beforeBytes = await heapAfterGc('before');
    const first = await connectClients(context, sut, clients.slice(0, half), { settleMs: 1000 });
    const halfwayBytes = await heapAfterGc('halfway');
    const second = await connectClients(context, sut, clients.slice(half), { settleMs: 1000 });
    const afterBytes = await heapAfterGc('after');
    return { beforeBytes, halfwayBytes, afterBytes, connected: first.connect.connected + second.connect.connected, connectedSecondHalf: second.connect.connected };
  } finally {
    await closeClients(context);
    await sut.stop();
  }
}

/**
 * RSS of the idle crowd, read every second for `seconds`. Idle is not still: right after the
 * connects V8's young generation is at its largest and the old generation holds the handshakes'
 * garbage, which V8 gives back tens of seconds later, and every connection is pinged (every 25 s
 * by default; a server whose pings reach V8's old generation climbs in a saw-tooth until a full
 * collection). One reading a few seconds after the connects is a single point on that curve; the
 * lowest and highest over a window that holds a full collection are what the crowd really costs.
 */
async function watchIdleRss(
  context: BenchContext,
  kind: string,
  pid: number,
  seconds: number,
  perConnection: (rssBytes: number) => number,
): Promise<{ seconds: number; minBytes: number; maxBytes: number }> {
  let minBytes = rssBytesOf(pid);
  let maxBytes = minBytes;
  for (let second = 1; second <= seconds; second++) {
    await sleep(1000);
    const rss = rssBytesOf(pid);
    minBytes = Math.min(minBytes, rss);
    maxBytes = Math.max(maxBytes, rss);
    if (second % 30 === 0 || second === seconds) {
      context.log(`  ${kind}: idle ${second}/${seconds} s, RSS ${perConnection(rss)} KiB per connection (lowest ${perConnection(minBytes)}, highest ${perConnection(maxBytes)})`);
    }
  }
  return { seconds, minBytes, maxBytes };
}

/** RSS before, halfway and after connecting the clients in two halves, then the idle crowd's CPU. */
async function measureRss(context: BenchContext, kind: 'gateway' | 'baseline', clients: ClientPlan[]): Promise<RssResult> {
  const sut: SystemUnderTest = await startSystem(context, kind);
  try {
    // A short idle period first, so start-up allocation is not counted per connection.
    await sleep(1000);
    const half = Math.floor(clients.length / 2);
    const first = await connectClients(context, sut, clients.slice(0, half), { settleMs: 3000 });
    const second = await connectClients(context, sut, clients.slice(half), { settleMs: 3000 });
    const cpu = cpuMeterFor(context, sut);
    cpu.start();
    await sleep(3000);
    const idle = cpu.stop();
    const connected = first.connect.connected + second.connect.connected;
    const perConnection = (rss: number) => kib(rss - first.rssBefore, connected);
    const window = await watchIdleRss(context, kind, sut.pid, context.idleWindowSec ?? DEFAULT_IDLE_WINDOW_SEC, perConnection);
    const connectMs = first.connect.durationMs + second.connect.durationMs;
    return {
      clients: clients.length,
      connected,
      connectMs,
      connectsPerSec: Math.round((connected / connectMs) * 1000),
      rssBeforeMiB: mib(first.rssBefore),
      rssHalfwayMiB: mib(second.rssBefore),
      rssAfterMiB: mib(second.rssAfter),
      rssPerConnectionKiB: kib(second.rssAfter - first.rssBefore, connected),
      rssPerExtraConnectionKiB: kib(second.rssAfter - second.rssBefore, second.connect.connected),
      idleCpuPercent: idle.perProcess[kind] ?? NaN,
      idleWindowSec: window.seconds,
      rssIdleMinKiB: perConnection(window.minBytes),
      rssIdleMaxKiB: perConnection(window.maxBytes),
    };
  } finally {
    await closeClients(context);
    await sut.stop();
  }
}

interface RssResult {
  clients: number;
  connected: number;
  connectMs: number;
  connectsPerSec: number;
  rssBeforeMiB: number;
  rssHalfwayMiB: number;
  rssAfterMiB: number;
  rssPerConnectionKiB: number;
  /** RSS per connection of the second half alone: the marginal cost of an idle connection. */
  rssPerExtraConnectionKiB: number;
  idleCpuPercent: number;
  /** How long RSS was then watched with nothing happening but pings (0: not watched). */
  idleWindowSec: number;
  /** Lowest and highest RSS per connection (over all of them) during that window. */
  rssIdleMinKiB: number;
  rssIdleMaxKiB: number;
}

interface HeapResult {
  heapBeforeMiB: number;
  heapHalfwayMiB: number;
  heapAfterMiB: number;
  /** V8 heap used after a full GC, per connection, over all connections and over the second half. */
  heapPerConnectionKiB: number;
  heapPerExtraConnectionKiB: number;
}

type IdleResult = RssResult & HeapResult;

/** ` RSS x-y KiB per connection over N s idle`, or nothing when the idle crowd was not watched. */
function idleRange(result: RssResult | undefined): string {
  if (!result || result.idleWindowSec === 0) return '';
  return ` RSS ${showFigure(result.rssIdleMinKiB)} to ${showFigure(result.rssIdleMaxKiB)} KiB per connection over ${result.idleWindowSec} s idle`;
}

const kib = (bytes: number, count: number) => Math.round((bytes / Math.max(1, count) / 1024) * 10) / 10;
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export const idleConnectionsScenario: Scenario = {
  id: 4,
  name: 'idle-connections',
  title: 'Idle connections: 19,000 connections, RSS per connection',
  async run(context) {
    const clientCount = scaled(context, 19000);
    const clients = Array.from({ length: clientCount }, () => ({ rooms: [] }));
    const results: Partial<Record<'gateway' | 'baseline', IdleResult>> = {};
    for (const kind of context.systems) {
      const rss = await measureRss(context, kind, clients);
      const heap = await measureHeap(context, kind, clients);
      const result: IdleResult = {
        ...rss,
        heapBeforeMiB: mib(heap.beforeBytes),
        heapHalfwayMiB: mib(heap.halfwayBytes),
        heapAfterMiB: mib(heap.afterBytes),
        heapPerConnectionKiB: kib(heap.afterBytes - heap.beforeBytes, heap.connected),
        heapPerExtraConnectionKiB: kib(heap.afterBytes - heap.halfwayBytes, heap.connectedSecondHalf),
      };
      results[kind] = result;
      context.log(
        `  ${kind.padEnd(8)} ${result.connected} connections (${show(result.connectsPerSec)}/s): RSS ${result.rssBeforeMiB} → ${result.rssHalfwayMiB} → ${result.rssAfterMiB} MiB, ` +
          `${result.rssPerConnectionKiB} KiB per connection, ${result.rssPerExtraConnectionKiB} KiB per connection of the second half; ` +
          `heap after GC ${result.heapBeforeMiB} → ${result.heapHalfwayMiB} → ${result.heapAfterMiB} MiB, ` +
          `${result.heapPerConnectionKiB} KiB per connection, ${result.heapPerExtraConnectionKiB} KiB per connection of the second half; idle CPU ${result.idleCpuPercent}%;${idleRange(result)}`,
      );
    }
    const gateway = results.gateway;
    const baseline = results.baseline;
    const vsBaseline = ratio(gateway?.rssPerConnectionKiB, baseline?.rssPerConnectionKiB);
    const extraVsBaseline = ratio(gateway?.rssPerExtraConnectionKiB, baseline?.rssPerExtraConnectionKiB);
    const heapVsBaseline = ratio(gateway?.heapPerConnectionKiB, baseline?.heapPerConnectionKiB);
    const heapExtraVsBaseline = ratio(gateway?.heapPerExtraConnectionKiB, baseline?.heapPerExtraConnectionKiB);
    return {
      summary:
        `scenario 4 idle connections (${clientCount}): gateway ${showFigure(gateway?.rssPerConnectionKiB)} KiB RSS per connection ` +
        `(${showFigure(gateway?.rssBeforeMiB)} → ${showFigure(gateway?.rssAfterMiB)} MiB), ${showFigure(gateway?.rssPerExtraConnectionKiB)} KiB per connection of the second half; ` +
        `baseline ${showFigure(baseline?.rssPerConnectionKiB)} and ${showFigure(baseline?.rssPerExtraConnectionKiB)} KiB → ${showRatio(vsBaseline)} and ${showRatio(extraVsBaseline)} baseline (target ≤ ${TARGET_KB} KB); ` +
        (gateway?.idleWindowSec || baseline?.idleWindowSec ? `idle: gateway${idleRange(gateway) || ' n/a'}, baseline${idleRange(baseline) || ' n/a'}; ` : '') +
        `heap after GC: gateway ${showFigure(gateway?.heapPerConnectionKiB)} and ${showFigure(gateway?.heapPerExtraConnectionKiB)} KiB per connection, ` +
        `baseline ${showFigure(baseline?.heapPerConnectionKiB)} and ${showFigure(baseline?.heapPerExtraConnectionKiB)} KiB → ${showRatio(heapVsBaseline)} and ${showRatio(heapExtraVsBaseline)} baseline`,
      data: { clients: clientCount, target: { rssPerConnectionKiB: TARGET_KB }, ratioToBaseline: vsBaseline, extraRatioToBaseline: extraVsBaseline, heapRatioToBaseline: heapVsBaseline, heapExtraRatioToBaseline: heapExtraVsBaseline, gateway, baseline },
      markdown: [
        `| 4 idle connections | ${clientCount} connections | ${showFigure(gateway?.rssPerConnectionKiB)} KiB RSS per connection (${showFigure(gateway?.rssBeforeMiB)} → ${showFigure(gateway?.rssHalfwayMiB)} → ${showFigure(gateway?.rssAfterMiB)} MiB), ${showFigure(gateway?.rssPerExtraConnectionKiB)} KiB per connection of the second half; ` +
          `heap after GC ${showFigure(gateway?.heapPerConnectionKiB)} and ${showFigure(gateway?.heapPerExtraConnectionKiB)} KiB per connection (${showFigure(gateway?.heapBeforeMiB)} → ${showFigure(gateway?.heapHalfwayMiB)} → ${showFigure(gateway?.heapAfterMiB)} MiB);${idleRange(gateway)}; ${show(gateway?.connectsPerSec)} connects/s | ` +
          `${showFigure(baseline?.rssPerConnectionKiB)} and ${showFigure(baseline?.rssPerExtraConnectionKiB)} KiB;${idleRange(baseline)}; heap ${showFigure(baseline?.heapPerConnectionKiB)} and ${showFigure(baseline?.heapPerExtraConnectionKiB)} KiB; ${show(baseline?.connectsPerSec)} connects/s | ` +
          `${showRatio(vsBaseline)} and ${showRatio(extraVsBaseline)}; heap ${showRatio(heapVsBaseline)} and ${showRatio(heapExtraVsBaseline)} | ≤ ${TARGET_KB} KB per connection |`,
      ],
    };
  },
};
