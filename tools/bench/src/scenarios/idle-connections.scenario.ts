import { closeClients, connectClients, cpuMeterFor, scaled } from '../harness/bench-context';
import { sleep } from '../harness/rate-step';
import type { SystemUnderTest } from '../harness/system-under-test';
import { ratio, show, showRatio, startSystem, type Scenario } from './scenario';

/*
 * Scenario 4, idle connections: 19,000 anonymous connections that join nothing themselves
 * (the gateway still puts each in system:alerts). RSS of the server before and after, per
 * connection; the CPU an idle crowd costs.
 *
 * The clients connect in two halves. RSS over all connections counts costs paid once, above
 * all V8's young generation growing from 4 to 32 MiB during the first burst of connects (about
 * 1.5 KiB per connection at 19,000); the second half's RSS per connection is what one more idle
 * connection costs. Both are reported.
 */
const TARGET_KB = 8;

interface IdleResult {
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
}

export const idleConnectionsScenario: Scenario = {
  id: 4,
  name: 'idle-connections',
  title: 'Idle connections: 19,000 connections, RSS per connection',
  async run(context) {
    const clientCount = scaled(context, 19000);
    const clients = Array.from({ length: clientCount }, () => ({ rooms: [] }));
    const results: Partial<Record<'gateway' | 'baseline', IdleResult>> = {};
    for (const kind of context.systems) {
      const sut: SystemUnderTest =
        await startSystem(context, kind);
      try {
        // A short idle period first, so start-up allocation is not counted per connection.
        await sleep(1000);
        const half = Math.floor(clients.length / 2);
        const first = await connectClients(context, sut, clients.slice(0, half), { settleMs: 3000 });
        const second = await connectClients(context, sut, clients.slice(half), { settleMs: 3000 });
        const connected = {
          rssBefore: first.rssBefore,
          rssAfter: second.rssAfter,
          connect: {
            connected: first.connect.connected + second.connect.connected,
            durationMs: first.connect.durationMs + second.connect.durationMs,
          },
        };
        const kib = (bytes: number, count: number) => Math.round((bytes / Math.max(1, count) / 1024) * 10) / 10;
        const cpu = cpuMeterFor(context, sut);
        cpu.start();
        await sleep(3000);
        const idle = cpu.stop();
        const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
        const result: IdleResult = {
          clients: clientCount,
          connected: connected.connect.connected,
          connectMs: connected.connect.durationMs,
          connectsPerSec: Math.round((connected.connect.connected / connected.connect.durationMs) * 1000),
          rssBeforeMiB: mib(connected.rssBefore),
          rssHalfwayMiB: mib(second.rssBefore),
          rssAfterMiB: mib(connected.rssAfter),
          rssPerConnectionKiB: kib(connected.rssAfter - connected.rssBefore, connected.connect.connected),
          rssPerExtraConnectionKiB: kib(second.rssAfter - second.rssBefore, second.connect.connected),
          idleCpuPercent: idle.perProcess[kind] ?? NaN,
        };
        results[kind] = result;
        context.log(
          `  ${kind.padEnd(8)} ${result.connected} connections (${show(result.connectsPerSec)}/s): RSS ${result.rssBeforeMiB} → ${result.rssHalfwayMiB} → ${result.rssAfterMiB} MiB, ` +
            `${result.rssPerConnectionKiB} KiB per connection, ${result.rssPerExtraConnectionKiB} KiB per connection of the second half; idle CPU ${result.idleCpuPercent}%`,
        );
      } finally {
        await closeClients(context);
        await sut.stop();
      }
    }
    const gateway = results.gateway;
    const baseline = results.baseline;
    const vsBaseline = ratio(gateway?.rssPerConnectionKiB, baseline?.rssPerConnectionKiB);
    const extraVsBaseline = ratio(gateway?.rssPerExtraConnectionKiB, baseline?.rssPerExtraConnectionKiB);
    return {
      summary:
        `scenario 4 idle connections (${clientCount}): gateway ${gateway?.rssPerConnectionKiB} KiB RSS per connection ` +
        `(${gateway?.rssBeforeMiB} → ${gateway?.rssAfterMiB} MiB), ${gateway?.rssPerExtraConnectionKiB} KiB per connection of the second half; ` +
        `baseline ${baseline?.rssPerConnectionKiB} and ${baseline?.rssPerExtraConnectionKiB} KiB → ${showRatio(vsBaseline)} and ${showRatio(extraVsBaseline)} baseline (target ≤ ${TARGET_KB} KB)`,
      data: { clients: clientCount, target: { rssPerConnectionKiB: TARGET_KB }, ratioToBaseline: vsBaseline, extraRatioToBaseline: extraVsBaseline, gateway, baseline },
      markdown: [
        `| 4 idle connections | ${clientCount} connections | ${gateway?.rssPerConnectionKiB} KiB RSS per connection (${gateway?.rssBeforeMiB} → ${gateway?.rssHalfwayMiB} → ${gateway?.rssAfterMiB} MiB), ${gateway?.rssPerExtraConnectionKiB} KiB per connection of the second half; ${show(gateway?.connectsPerSec)} connects/s | ${baseline?.rssPerConnectionKiB} and ${baseline?.rssPerExtraConnectionKiB} KiB; ${show(baseline?.connectsPerSec)} connects/s | ${showRatio(vsBaseline)} and ${showRatio(extraVsBaseline)} | ≤ ${TARGET_KB} KB per connection |`,
      ],
    };
  },
};
