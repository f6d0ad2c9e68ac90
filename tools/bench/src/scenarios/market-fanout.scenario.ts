import { createRoomName } from '@moonx-farm/events';
import { closeClients, connectClients, scaled } from '../harness/bench-context';
import { bestInWords, ramp, type RampResult } from '../harness/ramp';
import { RoomFeeder, benchSymbols, bookItem, priceItem, type FeedItem } from '../harness/room-feeder';
import type { SystemUnderTest } from '../harness/system-under-test';
import type { ClientPlan } from '../generator/generator-protocol';
import { average, cpuPerFrame, cpuPerMessage, ratio, report, sendItem, show, showFigure, showRatio, startSystem, type Scenario } from './scenario';

/*
 * Scenario 1, market fan-out: 5,000 clients, 50 symbols; each client in 5 price rooms and 1
 * order book room (500 members per price room, 100 per book room). Updates go round robin to
 * all 100 rooms at a rising rate until p99 passes 100 ms.
 */
const SYMBOLS = 50;
const P99_LIMIT_MS = 100;

export const marketFanoutScenario: Scenario = {
  id: 1,
  name: 'market-fanout',
  title: 'Market fan-out: 5,000 clients, 50 symbols, 5 price rooms + 1 book room each',
  async run(context) {
    const clientCount = scaled(context, 5000);
    const symbols = benchSymbols(SYMBOLS);
    const clients: ClientPlan[] = Array.from({ length: clientCount }, (_, i) => ({
      rooms: [
        ...[0, 10, 20, 30, 40].map((offset) => createRoomName.price(symbols[(i + offset) % SYMBOLS])),
        createRoomName.orderbook(symbols[i % SYMBOLS]),
      ],
    }));
    const items: FeedItem[] = symbols.flatMap((symbol) => [priceItem(symbol), bookItem(symbol)]);
    const feeder = await RoomFeeder.connect(context.redis);
    await feeder.seed(items);
    const results: Partial<Record<'gateway' | 'baseline', RampResult & { connectMs: number }>> = {};
    try {
      for (const kind of context.systems) {
        const sut: SystemUnderTest =
          await startSystem(context, kind, { knownSymbols: symbols });
        try {
          const connected = await connectClients(context, sut, clients);
          const membersPerUpdate = average(items.map((item) => connected.members[item.room] ?? 0));
          const result = await ramp(context, sut, {
            source: { send: (n) => sendItem(feeder, items[n % items.length]), inFlight: () => feeder.inFlight },
            members: connected.members,
            membersPerUpdate,
            startDeliveriesPerSec: 10_000 * Math.min(1, context.scale * 2),
            factor: 1.4,
            maxSteps: 16,
            stepMs: 3000,
            p99LimitMs: P99_LIMIT_MS,
            eventTypes: [...new Set(items.map((item) => item.type))],
          });
          results[kind] = { ...result, connectMs: connected.connect.durationMs };
        } finally {
          await closeClients(context);
          await sut.stop();
        }
      }
    } finally {
      await feeder.close();
    }
    const gateway = results.gateway?.best;
    const baseline = results.baseline?.best;
    const vsBaseline = ratio(gateway?.deliveredPerSec, baseline?.deliveredPerSec);
    const gatewayCpu = gateway?.cpu.perProcess['gateway'];
    const perFrame = { gateway: cpuPerFrame(results.gateway, 'gateway', clientCount), baseline: cpuPerFrame(results.baseline, 'baseline', clientCount) };
    return {
      summary:
        `scenario 1 market fan-out (${clientCount} clients), best step at p99 ≤ ${P99_LIMIT_MS} ms with nothing lost: ` +
        `${bestInWords(results.gateway, 'gateway')}; ${bestInWords(results.baseline, 'baseline')} → ${showRatio(vsBaseline)} baseline (target ≥ 10×); ` +
        `marginal CPU per message: gateway ${cpuPerMessage(results.gateway, 'gateway')}, baseline ${cpuPerMessage(results.baseline, 'baseline')}; ` +
        `marginal CPU per frame: ${perFrame.gateway.words}, ${perFrame.baseline.words}`,
      data: {
        clients: clientCount,
        symbols: SYMBOLS,
        p99LimitMs: P99_LIMIT_MS,
        ratioToBaseline: vsBaseline,
        marginalCpuPerMessage: { gateway: cpuPerMessage(results.gateway, 'gateway'), baseline: cpuPerMessage(results.baseline, 'baseline') },
        marginalCpuPerFrame: {
          gateway: { usPerFrame: perFrame.gateway.usPerFrame, passMs: perFrame.gateway.passMs },
          baseline: { usPerFrame: perFrame.baseline.usPerFrame, passMs: perFrame.baseline.passMs },
        },
        target: { ratioToBaseline: 10, lost: 0 },
        gateway: report(results.gateway),
        baseline: report(results.baseline),
      },
      markdown: [
        `| 1 market fan-out | ${clientCount} clients, 6 rooms each | ${show(gateway?.deliveredPerSec)} msg/s (${show(gateway?.publishedRate)} upd/s); p50/p99/p99.9 ${showFigure(gateway?.latency.p50Ms)}/${showFigure(gateway?.latency.p99Ms)}/${showFigure(gateway?.latency.p999Ms)} ms; gateway CPU ${showFigure(gatewayCpu)}%; ${cpuPerMessage(results.gateway, 'gateway')} per msg | ${show(baseline?.deliveredPerSec)} msg/s; p99 ${showFigure(baseline?.latency.p99Ms)} ms; CPU ${showFigure(baseline?.cpu.perProcess['baseline'])}%; ${cpuPerMessage(results.baseline, 'baseline')} per msg | ${showRatio(vsBaseline)} | ≥ 10× baseline, no loss |`,
      ],
    };
  },
};
