import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeGatewayLatency, gatewayLatencyBetween, scrapeBroadcastBuckets } from './gateway-latency';

/** A /metrics endpoint serving whatever the test puts in `body`. */
async function metricsServer(): Promise<{ url: string; server: Server; set(text: string): void }> {
  let body = '';
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain' });
    response.end(request.url === '/metrics' ? body : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, set: (text) => void (body = text) };
}

const histogram = (type: string, counts: [string, number][]) =>
  counts.map(([le, count]) => `event_broadcasting_latency_bucket{le="${le}",type="${type}"} ${count}`).join('\n');

describe('the gateway latency of a step', () => {
  let endpoint: Awaited<ReturnType<typeof metricsServer>>;
  beforeAll(async () => (endpoint = await metricsServer()));
  afterAll(() => new Promise((resolve) => endpoint.server.close(resolve)));

  it("sums the event types a scenario sends, and leaves the others out", async () => {
    endpoint.set(
      [
        '# HELP event_broadcasting_latency producer to socket write',
        histogram('price_update', [['0.005', 10], ['0.01', 30], ['+Inf', 40]]),
        histogram('orderbook_update', [['0.005', 0], ['0.01', 20], ['+Inf', 20]]),
        histogram('trade_notification', [['0.005', 1000], ['0.01', 1000], ['+Inf', 1000]]),
        'event_broadcasting_latency_count{type="price_update"} 40',
      ].join('\n'),
    );
    const buckets = await scrapeBroadcastBuckets(endpoint.url, ['price_update', 'orderbook_update']);
    expect([...buckets]).toEqual([
      [0.005, 10],
      [0.01, 50],
      [Infinity, 60],
    ]);
    expect([...(await scrapeBroadcastBuckets(endpoint.url, 'orderbook_update'))]).toEqual([
      [0.005, 0],
      [0.01, 20],
      [Infinity, 20],
    ]);
  });

  it('gives the p50 and p99 of what happened between two scrapes, as a step line prints them', () => {
    const before = new Map([[0.005, 10], [0.01, 10], [Infinity, 10]]);
    // 100 observations, all in (5, 10] ms.
    const after = new Map([[0.005, 10], [0.01, 110], [Infinity, 110]]);
    const latency = gatewayLatencyBetween(before, after);
    expect(latency.p50?.ms).toBe(7.5);
    expect(describeGatewayLatency(latency)).toBe('gateway metric producer→write p50 ≈ 7.5 ms (bucket 5-10), p99 ≈ 9.95 ms (bucket 5-10)');
    expect(describeGatewayLatency(gatewayLatencyBetween(after, after))).toBe('gateway metric producer→write p50 n/a, p99 n/a');
  });
});
