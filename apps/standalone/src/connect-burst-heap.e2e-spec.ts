import { connectTestSocket, waitFor } from '@moonx-farm/test-env';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * While connects arrive at CONNECT_BURST_PER_SEC or more, the replica runs with
 * CONNECT_BURST_HEAP_GROWING_PERCENT (V8 collects the handshakes' garbage sooner); two quiet
 * seconds later its own V8_HEAP_GROWING_PERCENT is back. The setting in force is a metric.
 */
describe('heap setting during a burst of connects', () => {
  const { app, sockets } = inProcessStandaloneFor({ CONNECT_BURST_PER_SEC: '10', CONNECT_BURST_HEAP_GROWING_PERCENT: '40', V8_HEAP_GROWING_PERCENT: '0' });

  async function inForce(): Promise<number> {
    const metrics = await (await fetch(`${app().url}/metrics`)).text();
    const line = metrics.split('\n').find((entry) => entry.startsWith('gateway_heap_growing_percent '));
    if (!line) throw new Error('gateway_heap_growing_percent is not in /metrics');
    return Number(line.split(' ')[1]);
  }

  /** The setting in force once it is `expected`, or whatever it is after `withinMs`. */
  async function until(expected: number, withinMs: number): Promise<number> {
    await waitFor(async () => (await inForce()) === expected, withinMs, `gateway_heap_growing_percent ${expected}`, 50).catch(() => undefined);
    return inForce();
  }

  it('switches to the burst setting while connects come fast and back once they stop', async () => {
    expect(await inForce()).toBe(0);
    // 40 connects at once: whatever second boundary falls among them, one second holds 20 or more.
    sockets.push(...(await Promise.all(Array.from({ length: 40 }, () => connectTestSocket(app().url)))));
    expect(await until(40, 3000)).toBe(40);
    // Idle connections do not keep the burst going: two quiet seconds end it.
    expect(await until(0, 5000)).toBe(0);
  });
});
