import { DEXEventType, createRoomName } from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import { closeClients, connectClients, cpuMeterFor, scaled } from '../harness/bench-context';
import { withGatewayLatency } from '../harness/gateway-latency';
import { passes, withRetries } from '../harness/ramp';
import { runStep, type StepResult } from '../harness/rate-step';
import { RoomFeeder, tradeItem } from '../harness/room-feeder';
import { BENCH_JWT_SECRET, type SystemUnderTest } from '../harness/system-under-test';
import { ratio, sendItem, show, showFigure, showRatio, stepForReport, startSystem, type Scenario } from './scenario';

/*
 * Scenario 3, private events: 5,000 authenticated clients, each in its own `user:<id>` room,
 * receiving trade notifications round robin at 1,000 … 7,500 events/s. Private events must
 * never be lost: every step reports loss and seq gaps.
 */
const RATES = [1000, 2500, 5000, 7500];
const TARGET_RATE = 5000;
const TARGET_P99_MS = 50;

export const privateEventsScenario: Scenario = {
  id: 3,
  name: 'private-events',
  title: 'Private events: 5,000 authenticated clients receiving trade notifications',
  async run(context) {
    const clientCount = scaled(context, 5000);
    const userIds = Array.from({ length: clientCount }, (_, i) => `bench-user-${i}`);
    const tokens = await Promise.all(userIds.map((userId) => issueHmacToken({ secret: BENCH_JWT_SECRET }, userId, { expiresInSec: 3600 })));
    const clients = userIds.map((userId, i) => ({ token: tokens[i], rooms: [createRoomName.user(userId)] }));
    const items = userIds.map(tradeItem);
    const feeder = await RoomFeeder.connect(context.redis);
    const results: Partial<Record<'gateway' | 'baseline', { steps: StepResult[]; connectMs: number }>> = {};
    try {
      for (const kind of context.systems) {
        const sut: SystemUnderTest =
          await startSystem(context, kind, { authBridge: true });
        const steps: StepResult[] = [];
        try {
          const connected = await connectClients(context, sut, clients, { settleMs: 2000 });
          const cpu = cpuMeterFor(context, sut);
          const source = { send: (n: number) => sendItem(feeder, items[n % items.length]), inFlight: () => feeder.inFlight };
          const stepAt = (rate: number, durationMs: number) =>
            withGatewayLatency(sut, [DEXEventType.TRADE_NOTIFICATION], () =>
              runStep(source, { rate, durationMs, generator: context.generator, cpu, members: connected.members, maxBacklog: Math.max(20_000, rate) }),
            );
          await stepAt(RATES[0], 1000); // warm-up, not reported
          for (const rate of RATES) {
            const step = await withRetries(context, kind, steps, () => stepAt(rate, 3000), (result) => passes(result, TARGET_P99_MS));
            steps.push(step);
            if (step.cutShort || step.latency.p99Ms > 1000) break;
          }
          results[kind] = { steps, connectMs: connected.connect.durationMs };
        } finally {
          await closeClients(context);
          await sut.stop();
        }
      }
    } finally {
      await feeder.close();
    }
    // The step at the target rate, or the last one run when the server gave up before it.
    const atTarget = (kind: 'gateway' | 'baseline') => {
      const steps = (results[kind]?.steps ?? []).filter((step) => !step.superseded);
      return steps.find((step) => step.targetRate === TARGET_RATE) ?? steps[steps.length - 1];
    };
    const gateway = atTarget('gateway');
    const baseline = atTarget('baseline');
    const meetsTarget = gateway !== undefined && passes(gateway, TARGET_P99_MS);
    return {
      summary:
        `scenario 3 private events (${clientCount} users) at ${show(gateway?.publishedRate)} events/s: gateway p50 ${showFigure(gateway?.latency.p50Ms)} ` +
        `p99 ${showFigure(gateway?.latency.p99Ms)} ms, lost ${showFigure(gateway?.lost)}, gaps ${showFigure(gateway?.gaps)}, CPU ${showFigure(gateway?.cpu.perProcess['gateway'])}% | baseline p99 ` +
        `${showFigure(baseline?.latency.p99Ms)} ms, lost ${showFigure(baseline?.lost)} → p99 ${showRatio(ratio(gateway?.latency.p99Ms, baseline?.latency.p99Ms))} baseline ` +
        `(target p99 ≤ ${TARGET_P99_MS} ms, zero loss: ${meetsTarget ? 'met' : 'not met'})`,
      data: {
        clients: clientCount,
        target: { eventsPerSec: TARGET_RATE, p99Ms: TARGET_P99_MS, lost: 0, met: meetsTarget },
        gateway: results.gateway && { connectMs: results.gateway.connectMs, steps: results.gateway.steps.map(stepForReport) },
        baseline: results.baseline && { connectMs: results.baseline.connectMs, steps: results.baseline.steps.map(stepForReport) },
      },
      markdown: RATES.map((rate) => {
        const g = results.gateway?.steps.find((step) => step.targetRate === rate && !step.superseded);
        const b = results.baseline?.steps.find((step) => step.targetRate === rate && !step.superseded);
        return `| 3 private events | ${clientCount} users, ${show(rate)} events/s | p50/p99/p99.9 ${showFigure(g?.latency.p50Ms)}/${showFigure(g?.latency.p99Ms)}/${showFigure(g?.latency.p999Ms)} ms; lost ${showFigure(g?.lost)}; gateway CPU ${showFigure(g?.cpu.perProcess['gateway'])}% | p99 ${showFigure(b?.latency.p99Ms)} ms; lost ${showFigure(b?.lost)}; CPU ${showFigure(b?.cpu.perProcess['baseline'])}% | p99 ${showRatio(ratio(g?.latency.p99Ms, b?.latency.p99Ms))} | ${rate === TARGET_RATE ? `p99 ≤ ${TARGET_P99_MS} ms, zero loss` : '—'} |`;
      }),
    };
  },
};
