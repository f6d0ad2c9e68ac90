import { closeClients, connectClients, scaled } from '../harness/bench-context';
import { bestInWords, ramp, type RampResult } from '../harness/ramp';
import { RoomFeeder, priceItem } from '../harness/room-feeder';
import type { SystemUnderTest } from '../harness/system-under-test';
import { cpuPerMessage, ratio, report, sendItem, show, showFigure, showRatio, startSystem, type Scenario, type ScenarioOutcome } from './scenario';

/*
 * Scenario 2, one hot room: every client in `price:BTC-USDC` (5,000, then 19,000 clients),
 * price updates at a rising rate until p99 passes 100 ms.
 */
const P99_LIMIT_MS = 100;
/** One update to every member is a burst of thousands of writes: past 100 ms, the ramp goes on to this. */
const SUSTAINED_P99_MS = 1000;
const SIZES = [5000, 19000];

export const hotRoomScenario: Scenario = {
  id: 2,
  name: 'hot-room',
  title: 'One hot room: 5,000 and 19,000 clients in price:BTC-USDC',
  async run(context) {
    const item = priceItem('BTC-USDC');
    const feeder = await RoomFeeder.connect(context.redis);
    await feeder.seed([item]);
    const sizes: Record<string, unknown>[] = [];
    const summaries: string[] = [];
    const markdown: string[] = [];
    try {
      for (const size of SIZES) {
        const clientCount = scaled(context, size);
        const clients = Array.from({ length: clientCount }, () => ({ rooms: [item.room] }));
        const results: Partial<Record<'gateway' | 'baseline', RampResult & { connectMs: number }>> = {};
        for (const kind of context.systems) {
          const sut: SystemUnderTest =
            await startSystem(context, kind, { knownSymbols: ['BTC-USDC'] });
          try {
            const connected = await connectClients(context, sut, clients, { settleMs: clientCount > 10000 ? 3000 : 1000 });
            const result = await ramp(context, sut, {
              source: { send: () => sendItem(feeder, item), inFlight: () => feeder.inFlight },
              members: connected.members,
              membersPerUpdate: connected.members[item.room] ?? clientCount,
              startDeliveriesPerSec: 10_000 * Math.min(1, context.scale * 2),
              factor: 1.4,
              maxSteps: 16,
              stepMs: clientCount > 10000 ? 4000 : 3000,
              p99LimitMs: P99_LIMIT_MS,
              eventTypes: [item.type],
              continueWhileP99BelowMs: SUSTAINED_P99_MS,
            });
            results[kind] = { ...result, connectMs: connected.connect.durationMs };
          } finally {
            await closeClients(context);
            await sut.stop();
          }
        }
        const gateway = results.gateway?.best;
        const baseline = results.baseline?.best;
        const vsBaseline = ratio(gateway?.deliveredPerSec, baseline?.deliveredPerSec);
        const perMessage = { gateway: cpuPerMessage(results.gateway, 'gateway', SUSTAINED_P99_MS), baseline: cpuPerMessage(results.baseline, 'baseline', SUSTAINED_P99_MS) };
        const sustained = { gateway: results.gateway?.bestSustained, baseline: results.baseline?.bestSustained };
        const sustainedRatio = ratio(sustained.gateway?.deliveredPerSec, sustained.baseline?.deliveredPerSec);
        sizes.push({ clients: clientCount, ratioToBaseline: vsBaseline, marginalCpuPerMessage: perMessage, sustainedRatioToBaseline: sustainedRatio, gateway: report(results.gateway), baseline: report(results.baseline) });
        summaries.push(
          `${clientCount} clients: ${bestInWords(results.gateway, 'gateway')} vs ${bestInWords(results.baseline, 'baseline')} → ${showRatio(vsBaseline)}; ` +
            `at p99 ≤ ${SUSTAINED_P99_MS} ms: gateway ${show(sustained.gateway?.deliveredPerSec)} msg/s (p99 ${showFigure(sustained.gateway?.latency.p99Ms)} ms) vs baseline ${show(sustained.baseline?.deliveredPerSec)} msg/s (p99 ${showFigure(sustained.baseline?.latency.p99Ms)} ms) → ${showRatio(sustainedRatio)}; ` +
            `marginal CPU per message: gateway ${perMessage.gateway}, baseline ${perMessage.baseline}`,
        );
        const cell = (kind: 'gateway' | 'baseline') => {
          const best = results[kind]?.best;
          const held = sustained[kind];
          const first = results[kind]?.steps[0];
          const at100 = best ? `${show(best.deliveredPerSec)} msg/s at p99 ${best.latency.p99Ms} ms` : `none at p99 ≤ ${P99_LIMIT_MS} ms (lowest load: p50/p99 ${showFigure(first?.latency.p50Ms)}/${showFigure(first?.latency.p99Ms)} ms)`;
          return `${at100}; ${show(held?.deliveredPerSec)} msg/s at p99 ${showFigure(held?.latency.p99Ms)} ms (≤ ${SUSTAINED_P99_MS}); ${kind} CPU ${showFigure(held?.cpu.perProcess[kind])}%; ${perMessage[kind]} per msg`;
        };
        markdown.push(`| 2 hot room | ${clientCount} clients in price:BTC-USDC | ${cell('gateway')} | ${cell('baseline')} | ${showRatio(vsBaseline ?? sustainedRatio)} | — |`);
      }
    } finally {
      await feeder.close();
    }
    const outcome: ScenarioOutcome = {
      summary: `scenario 2 hot room at p99 ≤ ${P99_LIMIT_MS} ms: ${summaries.join('; ')}`,
      data: { p99LimitMs: P99_LIMIT_MS, sizes },
      markdown,
    };
    return outcome;
  },
};
