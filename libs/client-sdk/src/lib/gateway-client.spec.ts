import { ErrorCode, type PriceUpdateMessage, type TradeNotificationMessage } from '@moonx-farm/events';
import type { GatewayClientError } from './client-error';
import { FakeGateway, fakeToken } from '../testing/fake-gateway';
import { createGatewayClient, type GatewayClient } from './gateway-client';
import type { ConnectionState, GatewayClientOptions } from './connection';

const FAST = { initialDelayMs: 20, maxDelayMs: 100, factor: 2, jitter: 0.5 };

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createGatewayClient against a Socket.IO server speaking the protocol', () => {
  let gateway: FakeGateway;
  const clients: GatewayClient[] = [];
  const open = (options: Partial<GatewayClientOptions> = {}) => {
    const client = createGatewayClient({ url: gateway.url, reconnect: FAST, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.disconnect());
    await gateway.close();
  });

  it('goes disconnected → connecting → connected, sending the token from getToken in the handshake', async () => {
    const token = fakeToken('u1');
    const client = open({ autoConnect: false, getToken: async () => token });
    const states: ConnectionState[] = [client.state];
    client.on('state', ({ state }) => states.push(state));
    client.connect();
    await until(() => client.state === 'connected');
    expect(states).toEqual(['disconnected', 'connecting', 'connected']);
    expect(gateway.handshakeTokens).toEqual([token]);
    expect(client.userId).toBe('u1');
    client.disconnect();
    expect(client.state).toBe('disconnected');
    expect(states.at(-1)).toBe('disconnected');
  });

  it('subscribes: the join snapshot first, then updates in order; unsubscribe leaves the room', async () => {
    gateway.publish('price_update', { room: 'price:BTC-USDC', symbol: 'BTC-USDC', price: '45000' } as PriceUpdateMessage, { snapshot: true });
    const client = open();
    const price = client.price('btc-usdc');
    const prices: string[] = [];
    price.on('update', (update) => prices.push(update.price));
    await until(() => price.state === 'subscribed');
    gateway.publish('price_update', { room: 'price:BTC-USDC', symbol: 'BTC-USDC', price: '45001.5' } as PriceUpdateMessage, { snapshot: true });
    await until(() => prices.length === 2);
    expect(prices).toEqual(['45000', '45001.5']);
    expect(price.latest?.seq).toBe(2);

    // A second subscription to the same room shares the join and gets the latest price at once.
    const again = client.price('BTC-USDC');
    const seenByAgain: string[] = [];
    again.on('update', (update) => seenByAgain.push(update.price));
    await until(() => seenByAgain.length === 1);
    expect(gateway.joins.filter((join) => join.room === 'price:BTC-USDC')).toHaveLength(1);
    price.unsubscribe();
    again.unsubscribe();
    await until(() => gateway.leaves.length === 1);
    expect(gateway.leaves).toEqual(['price:BTC-USDC']);
  });

  it('reconnects with backoff after losing the connection, calls getToken again, and resumes every subscription from its last seq', async () => {
    let tokens = 0;
    const client = open({ getToken: () => fakeToken('u1', 3600, String(++tokens)) });
    const fills: TradeNotificationMessage[] = [];
    const trades = client.trades();
    trades.on('update', (fill) => fills.push(fill));
    const resumes: (boolean | undefined)[] = [];
    trades.on('subscribed', (info) => resumes.push(info.resumed));
    await until(() => trades.state === 'subscribed');
    const fill = (n: number) => gateway.publish('trade_notification', { room: 'user:u1', symbol: 'BTC-USDC', price: '1', amount: String(n), side: 'buy', personal: true } as TradeNotificationMessage);
    fill(1);
    await until(() => fills.length === 1);

    gateway.io.disconnectSockets(true);
    await until(() => client.state === 'connecting');
    fill(2);
    fill(3);
    await until(() => fills.length === 3);
    fill(4);
    await until(() => fills.length === 4);
    expect(fills.map((message) => message.seq)).toEqual([1, 2, 3, 4]);
    expect(new Set(fills.map((message) => message.id)).size).toBe(4);
    expect(gateway.joins.filter((join) => join.room === 'user:u1').map((join) => join.resume?.seq)).toEqual([undefined, 1]);
    expect(resumes).toEqual([undefined, true]);
    expect(tokens).toBe(2);
  });

  it('after a shutdown notice, waits for the server to close the socket, then reconnects after the delay it asked for', async () => {
    const client = open();
    await until(() => client.state === 'connected');
    gateway.sockets.forEach((socket) => socket.emit('shutdown', { reconnectInMs: 300, reason: 'draining' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.state).toBe('connected');
    const closedAt = Date.now();
    gateway.sockets.forEach((socket) => socket.disconnect(true));
    await until(() => client.state === 'connecting');
    await until(() => client.state === 'connected', 3000);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(300);
    // Later drops go back to the ordinary backoff.
    const droppedAt = Date.now();
    gateway.sockets.forEach((socket) => socket.disconnect(true));
    await until(() => client.state === 'connecting');
    await until(() => client.state === 'connected', 3000);
    expect(Date.now() - droppedAt).toBeLessThan(300);
  });

  it('refreshes the token before it expires with refresh_token', async () => {
    const issued: string[] = [];
    const client = open({
      getToken: () => {
        const token = fakeToken('u1', 2, String(issued.length));
        issued.push(token);
        return token;
      },
      refreshTokenBeforeMs: 1500,
    });
    const refreshed: number[] = [];
    client.on('tokenRefreshed', ({ expiresAt }) => refreshed.push(expiresAt));
    await until(() => refreshed.length === 1, 3000);
    expect(gateway.refreshes).toEqual([issued[1]]);
    expect(refreshed[0]).toBeGreaterThan(Date.now());
    expect(gateway.handshakeTokens).toEqual([issued[0]]);
  });

  it('reports a refused handshake with its server code and retries with a fresh token', async () => {
    const bad = fakeToken('u1', 3600, 'bad');
    gateway.refusedTokens.add(bad);
    let calls = 0;
    const client = open({ getToken: () => (++calls === 1 ? bad : fakeToken('u1')) });
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    await until(() => client.state === 'connected');
    expect(errors).toEqual(['UNAUTHORIZED']);
    expect(calls).toBe(2);
  });

  it('waits at least retryAfterMs when a busy server refuses the handshake', async () => {
    gateway.refuseNext.push({ code: ErrorCode.SERVER_BUSY, message: 'at capacity', retryAfterMs: 300 });
    const started = Date.now();
    const client = open();
    const errors: GatewayClientError[] = [];
    client.on('error', (error) => errors.push(error));
    await until(() => client.state === 'connected');
    expect(errors.map((error) => [error.code, error.retryAfterMs])).toEqual([['SERVER_BUSY', 300]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(gateway.handshakeTokens).toHaveLength(2);
  });

  it('a private subscription works with a token and fails with UNAUTHORIZED on an anonymous connection', async () => {
    const client = open({ getToken: () => fakeToken('u1') });
    await until(() => client.state === 'connected');
    const portfolio = client.portfolio();
    await until(() => portfolio.state === 'subscribed');
    expect(portfolio.room).toBe('portfolio:u1');
    const anonymous = open();
    const errors: string[] = [];
    const orders = anonymous.orders();
    orders.on('error', (error) => errors.push(error.code));
    await until(() => orders.state === 'failed');
    expect(errors).toEqual(['UNAUTHORIZED']);
  });

  it('keeps retrying while the server is down, then connects', async () => {
    const url = gateway.url;
    await gateway.close();
    const client = createGatewayClient({ url, reconnect: FAST });
    clients.push(client);
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    await until(() => errors.length >= 2);
    expect(client.state).toBe('connecting');
    expect(new Set(errors)).toEqual(new Set(['CONNECTION_FAILED']));
    client.disconnect();
    expect(client.state).toBe('disconnected');
  });
});
