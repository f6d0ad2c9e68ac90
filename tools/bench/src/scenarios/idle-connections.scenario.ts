import { closeClients, connectClients, cpuMeterFor, scaled } from '../harness/bench-context';
import { sleep } from '../harness/rate-step';
import type { SystemUnderTest } from '../harness/system-under-test';
import { ratio, show, showRatio, startSystem, type Scenario } from './scenario';

/*
 * Scenario 4, idle connections: 19,000 anonymous connections that join nothing themselves
 * (the gateway still puts each in system:alerts). RSS of the server before and after, per
 * connection; the CPU an idle crowd costs.
 */
const TARGET_KB = 8;

interface IdleResult {
  clients: number;
  connected: number;
  connectMs: number;
  connectsPerSec: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  rssPerConnectionKiB: number;
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
        const connected = await connectClients(context, sut, clients, { settleMs: 3000 });
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
          rssAfterMiB: mib(connected.rssAfter),
          rssPerConnectionKiB: Math.round(((connected.rssAfter - connected.rssBefore) / Math.max(1, connected.connect.connected) / 1024) * 10) / 10,
          idleCpuPercent: idle.perProcess[kind] ?? NaN,
        };
        results[kind] = result;
        context.log(
          `  ${kind.padEnd(8)} ${result.connected} connections (${show(result.connectsPerSec)}/s): RSS ${result.rssBeforeMiB} → ${result.rssAfterMiB} MiB, ` +
            `${result.rssPerConnectionKiB} KiB per connection; idle CPU ${result.idleCpuPercent}%`,
        );
      } finally {
        await closeClients(context);
        await sut.stop();
      }
    }
    const gateway = results.gateway;
    const baseline = results.baseline;
    const vsBaseline = ratio(gateway?.rssPerConnectionKiB, baseline?.rssPerConnectionKiB);
    return {
      summary:
        `scenario 4 idle connections (${clientCount}): gateway ${gateway?.rssPerConnectionKiB} KiB RSS per connection ` +
        `(${gateway?.rssBeforeMiB} → ${gateway?.rssAfterMiB} MiB), baseline ${baseline?.rssPerConnectionKiB} KiB → ${showRatio(vsBaseline)} baseline (target ≤ ${TARGET_KB} KB)`,
      data: { clients: clientCount, target: { rssPerConnectionKiB: TARGET_KB }, ratioToBaseline: vsBaseline, gateway, baseline },
      markdown: [
        `| 4 idle connections | ${clientCount} connections | ${gateway?.rssPerConnectionKiB} KiB RSS per connection (${gateway?.rssBeforeMiB} → ${gateway?.rssAfterMiB} MiB); ${show(gateway?.connectsPerSec)} connects/s | ${baseline?.rssPerConnectionKiB} KiB per connection; ${show(baseline?.connectsPerSec)} connects/s | ${showRatio(vsBaseline)} | ≤ ${TARGET_KB} KB per connection |`,
      ],
    };
  },
};
