import { DEXEventType, type JoinRoomAck, type PriceUpdateMessage, type TradeNotificationMessage } from '@moonx-farm/events';
import { DEVELOPMENT_JWT_SECRET, ROOM_FEED, ROOM_STORE, issueHmacToken, type InMemoryRoomFeed, type RoomStore } from '@moonx-farm/server-core';
import { connectTestSocket, waitFor, type TestSocket } from '@moonx-farm/test-env';
import { lagFeed } from './testing/lagging-feed';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * A join reads the room from the store on one connection; the room's live messages reach the
 * replica on another, which can be behind. An event the read already holds, whose live
 * message comes in after the read, must not reach the socket a second time after the ack:
 * after the ack come seq + 1, + 2, … once each. The feed here lags the store by LAG_MS.
 */
const LAG_MS = 300;

describe.each([
  ['plain delivery', {}],
  ['batched delivery', { batch: true }],
])('a join while the feed is behind the store (%s)', (_, auth) => {
  const { app, sockets } = inProcessStandaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC' });
  let users = 0;
  const until = (check: () => boolean | Promise<boolean>, what: string) => waitFor(check, 5000, what, 5);
  const settle = () => new Promise((resolve) => setTimeout(resolve, LAG_MS + 100));

  const stored = async (room: string, seq: number) => {
    const store = app().app.get<RoomStore>(ROOM_STORE);
    await until(async () => (await store.currentSeq(room)) === seq, `seq ${seq} of ${room} in the store`);
  };
  const lagging = (room: string) => lagFeed(app().app.get<InMemoryRoomFeed>(ROOM_FEED), room, LAG_MS);
  /** `price:BTC-USDC`, a way to publish its price n, and two connected sockets, not joined yet. */
  const priceRoom = async () => {
    const standalone = app();
    const price = (n: number) => standalone.publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: `${n}` } });
    const watcher = await connectTestSocket(standalone.url, { auth, unpackBatches: true });
    const socket = await connectTestSocket(standalone.url, { auth, unpackBatches: true });
    sockets.push(watcher, socket);
    return { room: 'price:BTC-USDC', price, watcher, socket };
  };
  /** The seqs of the prices `socket` got after its join's ack, once price `last` has come (and 100 ms more). */
  const pricesAfterJoin = async (socket: TestSocket, last: number) => {
    const prices = () => socket.allAfterAck<PriceUpdateMessage>('price_update', 'join_room').map((message) => message.seq);
    await until(() => prices().includes(last), `price ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return prices();
  };

  it('resumes without sending a fill twice whose live message came after the read', async () => {
    const standalone = app();
    const userId = `lagging-${Object.keys(auth).length}-${++users}`;
    const room = `user:${userId}`;
    const fill = (n: number) =>
      standalone.publisher.publish({ type: DEXEventType.TRADE_NOTIFICATION, symbol: 'ETH-USDC', userId, timestamp: Date.now(), data: { price: 2500 + n, amount: 1, side: 'buy' } });
    for (let n = 1; n <= 3; n++) await fill(n);
    await stored(room, 3);
    const socket: TestSocket = await connectTestSocket(standalone.url, { token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, userId), auth, unpackBatches: true });
    sockets.push(socket);
    await socket.next('authenticated');

    const lag = lagging(room);
    try {
      await fill(4);
      await stored(room, 4);
      // Fill 4 is in the store, and its live message still on its way.
      expect(lag.inFlight()).toBe(1);
      expect(await socket.request<JoinRoomAck>('join_room', { room, resume: { seq: 1 } })).toMatchObject({ ok: true, seq: 1, resumed: true, replayed: 3 });
      await settle();
    } finally {
      lag.restore();
    }
    await fill(5);
    const fills = () => socket.allAfterAck<TradeNotificationMessage>('trade_notification', 'join_room').map((message) => message.seq);
    await until(() => fills().includes(5), 'fill 5');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fills()).toEqual([2, 3, 4, 5]);
  });

  it('joins without sending again the price its snapshot holds', async () => {
    // The watcher keeps the replica subscribed to the room, as it is in production.
    const { room, price, watcher, socket } = await priceRoom();
    expect(await watcher.request<JoinRoomAck>('join_room', { room })).toMatchObject({ ok: true });
    // A price the replica has seen since the watcher's read: the next join reads the store (the
    // start of a room with no message since its last read is kept, quiet-start.cache.ts; the
    // next test is about that case).
    const seen = (await app().app.get<RoomStore>(ROOM_STORE).currentSeq(room)) + 1;
    await price(seen);
    await until(() => watcher.all<PriceUpdateMessage>('price_update').some((message) => message.seq === seen), 'the watcher\'s price');
    const first = seen + 1;

    const lag = lagging(room);
    try {
      await price(first);
      await stored(room, first);
      expect(lag.inFlight()).toBe(1);
      expect(await socket.request<JoinRoomAck>('join_room', { room })).toMatchObject({ ok: true, seq: first, snapshot: { seq: first } });
      await settle();
    } finally {
      lag.restore();
    }
    await price(first + 1);
    expect(await pricesAfterJoin(socket, first + 1)).toEqual([first + 1]);
  });

  it('joins a quiet room at the start the replica knows, then gets the price still on its way once', async () => {
    const { room, price, watcher, socket } = await priceRoom();
    // The watcher's join reads the room and leaves its start kept: the replica has seen no price since.
    const kept = await watcher.request<JoinRoomAck>('join_room', { room });
    expect(kept.ok).toBe(true);
    const known = kept.ok ? kept.seq : -1;

    const lag = lagging(room);
    try {
      await price(known + 1);
      await stored(room, known + 1);
      expect(lag.inFlight()).toBe(1);
      // The store is at known + 1, the replica has seen up to known: the join starts there, and the
      // price on its way is its next message, as for the sockets already in the room.
      expect(await socket.request<JoinRoomAck>('join_room', { room })).toMatchObject({ ok: true, seq: known });
      await settle();
    } finally {
      lag.restore();
    }
    await price(known + 2);
    expect(await pricesAfterJoin(socket, known + 2)).toEqual([known + 1, known + 2]);
  });
});
