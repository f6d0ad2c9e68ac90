import type { GapInfo, TradeNotificationMessage } from '@moonx-farm/client-sdk';
import { proxiedStandaloneFor } from './support/proxied-standalone';
import { waitFor } from './support/standalone';

/*
 * After a reconnect the server puts the trader back in its private rooms at once, while the
 * SDK's resume of them is still on its way: on a slow uplink, fills go out live before the
 * resume's ack, and the SDK drops what comes before an ack. The server must send them again
 * after that ack, in order, or the trader's fills stop at a gap the SDK cannot fill.
 */
describe('client SDK: fills across a reconnect over a slow uplink', () => {
  // A fill for demo-user every 10 ticks: one every 200 ms.
  const standalone = proxiedStandaloneFor({ SIMULATOR_INTERVAL_MS: '20' });

  it('gets every fill once, in order, when fills arrive before the resume is answered', async () => {
    const client = standalone.demoClient({ initialDelayMs: 100, maxDelayMs: 300 });
    const proxy = standalone.proxy();
    const fills: TradeNotificationMessage[] = [];
    const gaps: GapInfo[] = [];
    const trades = client.trades();
    trades.on('update', (fill) => fills.push(fill));
    trades.on('gap', (gap) => gaps.push(gap));
    await waitFor(() => client.state === 'connected' && fills.length >= 2, 15000, 'connected, with fills');

    // From the next connection on, the client's requests reach the server 600 ms late: about
    // three fills go out live between the server's automatic join and the resume's arrival.
    proxy.setUpstreamDelay(600);
    proxy.dropAll();
    await waitFor(() => client.state === 'connecting', 5000, 'the drop to be noticed');
    await waitFor(() => client.state === 'connected', 15000, 'reconnected over the slow uplink');
    const atReconnect = fills.length;
    // The replay of what was missed while away, then the fills sent before the ack, then live ones.
    await waitFor(() => fills.length >= atReconnect + 15, 20000, 'fifteen more fills after the reconnect');

    const seqs = fills.map((fill) => fill.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    expect(new Set(fills.map((fill) => fill.id)).size).toBe(fills.length);
    expect(gaps).toEqual([]);
  }, 60000);
});
