import {
  bookChecksum,
  DEXEventType,
  type BookLevel,
  type JoinRoomAck,
  type OrderBookUpdateMessage,
  type PriceUpdateMessage,
  type ProducerEventInput,
  type SystemAlertMessage,
  type TradeNotificationMessage,
} from '@moonx-farm/events';
import { DEVELOPMENT_JWT_SECRET, issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, type TestSocket, type TestSocketOptions } from '@moonx-farm/test-env';
import { inProcessStandaloneFor, type InProcessStandalone } from './testing/in-process-standalone';

/** The TCP socket under a socket.io-client, to stop reading as a stalled client would. */
function tcpOf(client: TestSocket): { pause(): void; resume(): void } {
  const engine = client.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } };
  return engine.transport.ws._socket;
}

/** A client-side book: absolute sizes, "0" deletes, sorted best first. */
function applyLevels(side: Map<string, string>, levels: BookLevel[]): void {
  for (const [price, size] of levels) {
    if (size === '0') side.delete(price);
    else side.set(price, size);
  }
}
function sorted(side: Map<string, string>, descending: boolean): BookLevel[] {
  return [...side.entries()].sort(([a], [b]) => (descending ? Number(b) - Number(a) : Number(a) - Number(b)));
}

/*
 * A slow client takes each delivery mode: plain events, and the batch frames the SDK asks for
 * (unpacked into events here, as the SDK does).
 */
const DELIVERY_MODES: [string, TestSocketOptions][] = [
  ['plain delivery', {}],
  ['batched delivery', { auth: { batch: true }, unpackBatches: true }],
];

/** An in-process standalone for the describe block; after it, its sockets (reading again) and the app are closed. */
function standaloneFor(env: Record<string, string>): { app(): InProcessStandalone; sockets: TestSocket[] } {
  return inProcessStandaloneFor(env, (socket) => {
    if (socket.socket.connected) tcpOf(socket).resume();
  });
}

describe.each(DELIVERY_MODES)('a client that stops reading (%s)', (_mode, mode) => {
  const { app, sockets } = standaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC', SLOW_SOCKET_BYTES: '65536', MAX_SOCKET_BUFFER_BYTES: '268435456', SLOW_SOCKET_CHECK_MS: '20' });

  it('gets conflated market data then a snapshot at its seq and a book whose checksums match; alerts and fills are never dropped', async () => {
    const { url, publisher } = app();
    const book = (price: number): ProducerEventInput => ({
      type: DEXEventType.ORDER_BOOK_UPDATE,
      symbol: 'BTC-USDC',
      timestamp: Date.now(),
      data: { kind: 'delta', bids: [[`${price}`, `${price % 7}`]], asks: [[`${price + 1000}`, `${(price % 5) + 1}`]] },
    });
    await publisher.publish({ type: DEXEventType.ORDER_BOOK_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { kind: 'snapshot', bids: [['100', '1']], asks: [['2000', '1']] } });

    const slow = await connectTestSocket(url, { ...mode, token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, 'slow-user') });
    const healthy = await connectTestSocket(url);
    sockets.push(slow, healthy);
    for (const client of [slow, healthy]) {
      for (const room of ['price:BTC-USDC', 'orderbook:BTC-USDC']) expect((await client.request<JoinRoomAck>('join_room', { room })).ok).toBe(true);
    }
    expect((await slow.request<JoinRoomAck>('join_room', { room: 'user:slow-user' })).ok).toBe(true);

    // Alerts (never dropped) fill the kernel buffers and then the gateway's; meanwhile market data flows.
    tcpOf(slow).pause();
    const rounds = 30;
    const alertText = 'a'.repeat(1900);
    for (let round = 0; round < rounds; round++) {
      const events: ProducerEventInput[] = Array.from({ length: 200 }, (_, index) => ({
        type: DEXEventType.SYSTEM_ALERT,
        timestamp: Date.now(),
        data: { level: 'info', message: `${round}-${index} ${alertText}` },
      }));
      for (let index = 0; index < 5; index++) {
        events.push({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: `${1000 + round * 5 + index}` } });
      }
      events.push(book(200 + round), book(300 + round));
      if (round % 10 === 0) {
        events.push({ type: DEXEventType.TRADE_NOTIFICATION, symbol: 'BTC-USDC', userId: 'slow-user', timestamp: Date.now(), data: { price: 1, amount: 1, side: 'buy', tradeId: `fill-${round}` } });
      }
      await publisher.publishMany(events);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const prices = rounds * 5;
    await healthy.next<PriceUpdateMessage>('price_update', (update) => update.seq === prices, 30000);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(Number(/^websocket_conflated_updates_total (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);

    tcpOf(slow).resume();
    const priceSnapshot = await slow.next<PriceUpdateMessage & { type: string }>('snapshot', (item) => item.type === 'price_update', 30000);
    await slow.next<OrderBookUpdateMessage & { type: string }>('snapshot', (item) => item.type === 'order_book_update', 30000);
    await publisher.publishMany([{ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: '1' } }, book(999)]);
    await slow.next<PriceUpdateMessage>('price_update', (update) => update.seq === prices + 1, 30000);
    await slow.next<OrderBookUpdateMessage>('order_book_update', (update) => update.bids.some(([price]) => price === '999'), 30000);

    // Prices: a contiguous prefix, the snapshot, then contiguous from the snapshot's seq.
    const isPrice = (item: { event: string; payload: unknown }) =>
      item.event === 'price_update' || (item.event === 'snapshot' && (item.payload as { type: string }).type === 'price_update');
    const priceStream = slow.received.filter(isPrice);
    const snapshotAt = priceStream.findIndex((item) => item.event === 'snapshot');
    const before = priceStream.slice(0, snapshotAt).map((item) => (item.payload as PriceUpdateMessage).seq);
    const after = priceStream.slice(snapshotAt + 1).map((item) => (item.payload as PriceUpdateMessage).seq);
    expect(before).toEqual(before.map((_, index) => index + 1));
    expect(after).toEqual(after.map((_, index) => priceSnapshot.seq + index + 1));
    expect(before.length + after.length).toBeLessThan(prices + 1);

    // Book: from the resync snapshot on, every message's checksum matches the client's book.
    const bookStream = slow.received.filter(
      (item) => item.event === 'order_book_update' || (item.event === 'snapshot' && (item.payload as { type: string }).type === 'order_book_update'),
    );
    const resyncAt = bookStream.findIndex((item) => item.event === 'snapshot');
    const bids = new Map<string, string>();
    const asks = new Map<string, string>();
    let checked = 0;
    for (const { payload } of bookStream.slice(resyncAt)) {
      const message = payload as OrderBookUpdateMessage;
      if (message.kind === 'snapshot') {
        bids.clear();
        asks.clear();
      }
      applyLevels(bids, message.bids);
      applyLevels(asks, message.asks);
      expect(bookChecksum(sorted(bids, true), sorted(asks, false))).toBe(message.checksum);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);

    const alerts = slow.all<SystemAlertMessage>('system_alert');
    expect(alerts).toHaveLength(rounds * 200);
    expect(alerts.map((alert) => alert.seq)).toEqual(alerts.map((_, index) => index + 1));
    const fills = slow.all<TradeNotificationMessage>('trade_notification').map((fill) => fill.tradeId);
    expect(fills).toEqual(Array.from({ length: rounds / 10 }, (_, index) => `fill-${index * 10}`));
  }, 90000);
});

/*
 * The hard limit: a client that stops reading while private events (never dropped) keep coming
 * is disconnected once its queue passes MAX_SOCKET_BUFFER_BYTES, so it cannot hold the
 * replica's memory; a healthy client in the same room is untouched.
 */
describe.each(DELIVERY_MODES)('a client that stops reading past the hard limit (%s)', (_mode, mode) => {
  const { app, sockets } = standaloneFor({ SLOW_SOCKET_BYTES: '65536', MAX_SOCKET_BUFFER_BYTES: '1048576', SLOW_SOCKET_CHECK_MS: '20' });

  const disconnectedCount = async () => {
    const metrics = await (await fetch(`${app().url}/metrics`)).text();
    return Number(/^websocket_slow_socket_actions_total\{action="disconnected"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
  };

  it('is disconnected with SERVER_BUSY once its queue passes MAX_SOCKET_BUFFER_BYTES; the healthy client gets every event', async () => {
    const { url, publisher } = app();
    const userId = `stalled-${Object.keys(mode).length}`;
    const stalled = await connectTestSocket(url, { ...mode, token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, userId) });
    const healthy = await connectTestSocket(url);
    sockets.push(stalled, healthy);
    // Counted from here: the metrics registry outlives an in-process app.
    const before = await disconnectedCount();
    const closed = new Promise<string>((resolve) => stalled.socket.once('disconnect', (reason) => resolve(String(reason))));

    tcpOf(stalled).pause();
    // System alerts reach every socket and are never dropped: about 12 MB, past the kernel's buffers and the 1 MiB limit.
    const rounds = 30;
    const text = 'b'.repeat(1900);
    for (let round = 0; round < rounds; round++) {
      await publisher.publishMany(
        Array.from({ length: 200 }, (_, index) => ({ type: DEXEventType.SYSTEM_ALERT, timestamp: Date.now(), data: { level: 'info' as const, message: `${round}-${index} ${text}` } })),
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await healthy.next<SystemAlertMessage>('system_alert', (alert) => alert.seq === rounds * 200, 30000);
    const deadline = Date.now() + 10000;
    while ((await disconnectedCount()) < before + 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await disconnectedCount()).toBe(before + 1);

    // Reading again, the client gets what was queued before the limit, then the reason, then the close.
    tcpOf(stalled).resume();
    await expect(closed).resolves.toBe('io server disconnect');
    expect(stalled.all('error')).toEqual([{ code: 'SERVER_BUSY', message: 'connection too slow to keep up; reconnect and resume' }]);
    const alerts = stalled.all<SystemAlertMessage>('system_alert');
    expect(alerts.length).toBeLessThan(rounds * 200);
    expect(alerts.map((alert) => alert.seq)).toEqual(alerts.map((_, index) => index + 1));
    expect(healthy.all<SystemAlertMessage>('system_alert')).toHaveLength(rounds * 200);
  }, 90000);
});
