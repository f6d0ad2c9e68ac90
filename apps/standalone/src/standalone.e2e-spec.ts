import {
  DEAD_LETTER_TOPIC,
  DEXEventType,
  KAFKA_TOPICS,
  type JoinRoomAck,
  type PriceUpdateMessage,
  type TradeNotificationMessage,
} from '@moonx-farm/events';
import { DEVELOPMENT_JWT_SECRET, issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, startAppProcess } from '@moonx-farm/test-env';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

describe('embedded default (no Kafka, no Redis)', () => {
  describe('one event end to end on the in-memory ports', () => {
    const { app, sockets } = inProcessStandaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC' });

    it('delivers prices with contiguous seqs, a private fill to its user only, and dead-letters bad events', async () => {
      const { url, log, publisher } = app();
      const watcher = await connectTestSocket(url);
      const trader = await connectTestSocket(url, { token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, 'user-1') });
      sockets.push(watcher, trader);
      expect(await watcher.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC' })).toEqual({ ok: true, room: 'price:BTC-USDC', seq: 0 });
      expect((await trader.request<JoinRoomAck>('join_room', { room: 'user:user-1' })).ok).toBe(true);

      await publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: 45000.5 } });
      await publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'btc-usdc', timestamp: Date.now(), data: { price: '45001' } });
      await publisher.publish({ type: DEXEventType.TRADE_NOTIFICATION, symbol: 'ETH-USDC', userId: 'user-1', timestamp: Date.now(), data: { price: 2500, amount: 1.5, side: 'sell' } });
      await log.send(KAFKA_TOPICS[DEXEventType.PRICE_UPDATE], [{ key: 'BTC-USDC', value: '{"type":"price_update"' }]);
      await publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: 45002 } });

      await watcher.next<PriceUpdateMessage>('price_update', (update) => update.seq === 3);
      expect(watcher.all<PriceUpdateMessage>('price_update').map((update) => [update.seq, update.price])).toEqual([
        [1, '45000.5'],
        [2, '45001'],
        [3, '45002'],
      ]);
      const fill = await trader.next<TradeNotificationMessage>('trade_notification');
      expect(fill).toMatchObject({ room: 'user:user-1', seq: 1, price: '2500', amount: '1.5', side: 'sell', personal: true });
      expect(watcher.all('trade_notification')).toEqual([]);
      const [letter] = log.messagesOf(DEAD_LETTER_TOPIC).map((raw) => JSON.parse(raw.value?.toString() ?? '{}'));
      expect(letter.reason).toMatch(/not JSON/);
      expect(Buffer.from(letter.originalBase64, 'base64').toString()).toBe('{"type":"price_update"');
      expect((await fetch(`${url}/health`)).status).toBe(200);
    });
  });

  describe('what a newcomer sees after `npm start`', () => {
    let standalone: Awaited<ReturnType<typeof startAppProcess>>;
    afterAll(async () => {
      await standalone?.stop();
    });

    it('serves live simulated prices, books and trades with nothing configured, and stops cleanly', async () => {
      standalone = await startAppProcess('standalone', { portVariable: 'WEBSOCKET_GATEWAY_PORT', env: { SIMULATOR_INTERVAL_MS: '50' } });
      const client = await connectTestSocket(standalone.url);
      const price = await client.request<JoinRoomAck>('join_room', { room: 'price:ETH-USDC' });
      const book = await client.request<JoinRoomAck>('join_room', { room: 'orderbook:ETH-USDC' });
      expect(price.ok && book.ok).toBe(true);
      const first = await client.next<PriceUpdateMessage>('price_update');
      const next = await client.next<PriceUpdateMessage>('price_update', (update) => update.seq === first.seq + 1);
      expect(next.symbol).toBe('ETH-USDC');
      expect(next.price).toMatch(/^\d+(\.\d+)?$/);
      await client.next('order_book_update');
      client.close();
      expect(await standalone.stop()).toBe(0);
    }, 30000);
  });
});
