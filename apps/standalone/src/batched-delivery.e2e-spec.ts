import { DEXEventType, type BatchedItem, type JoinRoomAck, type PriceUpdateMessage } from '@moonx-farm/events';
import { connectTestSocket } from '@moonx-farm/test-env';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

describe('batched delivery (auth: { batch: true })', () => {
  const { app, sockets } = inProcessStandaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC,ETH-USDC' });

  it('packs a burst into one frame per socket, with the same messages in the same order as plain delivery', async () => {
    const { url, publisher } = app();
    const plain = await connectTestSocket(url);
    const batched = await connectTestSocket(url, { auth: { batch: true } });
    sockets.push(plain, batched);
    for (const client of [plain, batched]) {
      for (const room of ['price:BTC-USDC', 'price:ETH-USDC']) expect((await client.request<JoinRoomAck>('join_room', { room })).ok).toBe(true);
    }
    const burst = (symbol: string, from: number) =>
      Array.from({ length: 50 }, (_, index) => ({ type: DEXEventType.PRICE_UPDATE as const, symbol, timestamp: Date.now(), data: { price: `${from + index}` } }));
    await publisher.publishMany([...burst('BTC-USDC', 1), ...burst('ETH-USDC', 1001)]);
    await plain.next<PriceUpdateMessage>('price_update', (update) => update.room === 'price:ETH-USDC' && update.seq === 50);

    const deadline = Date.now() + 5000;
    const unpacked = () =>
      batched.received.flatMap((item): PriceUpdateMessage[] =>
        item.event === 'batch' ? (item.payload as BatchedItem[]).map(([, message]) => message as PriceUpdateMessage) : item.event === 'price_update' ? [item.payload as PriceUpdateMessage] : [],
      );
    while (unpacked().length < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(unpacked()).toEqual(plain.all<PriceUpdateMessage>('price_update'));
    const frames = batched.received.filter((item) => item.event === 'batch' || item.event === 'price_update').length;
    expect(frames).toBeLessThan(20);
    expect((batched.all<BatchedItem[]>('batch')[0] ?? [])[0]?.[0]).toBe('price_update');
  });
});
