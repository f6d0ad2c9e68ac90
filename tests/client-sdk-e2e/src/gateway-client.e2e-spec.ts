import type { SubscribedInfo, TradeNotificationMessage } from '@moonx-farm/client-sdk';
import { proxiedStandaloneFor } from './support/proxied-standalone';
import { waitFor } from './support/standalone';

/*
 * The SDK against the real gateway (the standalone app, its own process, simulator on):
 * live prices, a verified local book, the user's fills, and a network drop in the middle.
 */
describe('client SDK against the standalone app', () => {
  const standalone = proxiedStandaloneFor({ SIMULATOR_INTERVAL_MS: '50' });

  it('keeps prices, a checksum-verified book and each fill exactly once, in order, across a network drop', async () => {
    const client = standalone.demoClient({ initialDelayMs: 100, maxDelayMs: 500 });
    const proxy = standalone.proxy();
    const price = client.price('BTC-USDC');
    const book = client.orderBook('BTC-USDC');
    const fills: TradeNotificationMessage[] = [];
    const fillJoins: SubscribedInfo[] = [];
    const trades = client.trades();
    trades.on('update', (fill) => fills.push(fill));
    trades.on('subscribed', (info) => fillJoins.push(info));
    const verifiedBooks: number[] = [];
    book.on('update', (view) => {
      if (view.checksumVerified) verifiedBooks.push(view.seq);
    });
    const resyncs: string[] = [];
    book.on('resync', ({ reason }) => resyncs.push(reason));
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    book.on('error', (error) => errors.push(error.code));

    await waitFor(() => client.state === 'connected', 10000, 'connected');
    expect(client.userId).toBe('demo-user');
    await waitFor(() => (price.latest?.seq ?? 0) > 0 && verifiedBooks.length >= 2 && fills.length >= 2, 15000, 'prices, books and fills');
    expect(book.isSynced).toBe(true);
    expect(book.bids.length).toBeGreaterThan(0);
    expect(book.asks.length).toBeGreaterThan(0);
    expect(Number(book.bids[0][0])).toBeLessThan(Number(book.asks[0][0]));
    const priceBeforeDrop = price.latest?.seq ?? 0;

    proxy.setDown(true);
    proxy.dropAll();
    await waitFor(() => client.state === 'connecting', 5000, 'the drop to be noticed');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // fills keep coming meanwhile
    proxy.setDown(false);
    await waitFor(() => client.state === 'connected', 10000, 'reconnected');
    const fillsAtReconnect = fills.length;
    await waitFor(() => fills.length >= fillsAtReconnect + 2 && verifiedBooks.length >= 4, 15000, 'fills and books after the drop');

    // Each fill once, in order, none missing: the seqs of the user's room are contiguous.
    const seqs = fills.map((fill) => fill.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    expect(new Set(fills.map((fill) => fill.id)).size).toBe(fills.length);
    expect(fillJoins.length).toBeGreaterThanOrEqual(2);
    expect(fillJoins.at(-1)).toMatchObject({ room: 'user:demo-user', resumed: true });
    expect(fillJoins.at(-1)?.replayed).toBeGreaterThan(0);
    expect(price.latest?.seq).toBeGreaterThan(priceBeforeDrop);
    // The resumed join may still be settling; it must get there without a resync (below).
    await waitFor(() => book.isSynced, 10000, 'the book back in sync');
    // The simulator sends deltas: the local book matched ingest's checksum on every one.
    expect(resyncs).toEqual([]);
    expect(errors.filter((code) => code !== 'CONNECTION_FAILED')).toEqual([]);
  }, 60000);
});
