import { DEXEventType, type JoinRoomAck, type TradeNotificationMessage } from '@moonx-farm/events';
import { DEVELOPMENT_JWT_SECRET, ROOM_STORE, issueHmacToken, type RoomStore } from '@moonx-farm/server-core';
import { connectTestSocket, waitFor, type TestSocket } from '@moonx-farm/test-env';
import { holdNextRead } from './testing/held-store-read';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * A trader's private rooms are joined on connect; a client that comes back from another
 * replica then resumes them from its last seq. After the resume's ack the room's events follow
 * from the ack's seq + 1 in order, with none missing: what the connection already got live
 * before the ack comes again after it (the SDK drops what arrives before an ack).
 */
describe.each([
  ['plain delivery', {}],
  ['batched delivery', { batch: true }],
])('resuming a room the connection is already live in (%s)', (_, auth) => {
  const { app, sockets } = inProcessStandaloneFor();
  let users = 0;

  // Batch frames are recorded update by update (unpackBatches), so both modes read alike.
  const fillsOf = (socket: TestSocket) => socket.all<TradeNotificationMessage>('trade_notification').map((message) => message.seq);
  const fillsAfterAck = (socket: TestSocket) => socket.allAfterAck<TradeNotificationMessage>('trade_notification', 'join_room').map((message) => message.seq);

  const trader = async () => {
    const standalone = app();
    const userId = `trader-${Object.keys(auth).length}-${++users}`;
    const publishFill = (n: number) =>
      standalone.publisher.publish({ type: DEXEventType.TRADE_NOTIFICATION, symbol: 'ETH-USDC', userId, timestamp: Date.now(), data: { price: 2500 + n, amount: 1, side: 'buy' } });
    const store = standalone.app.get<RoomStore>(ROOM_STORE);
    // Published and stored, with time to reach the gateway: a socket live in the room would get it now.
    const publishFillAndWait = async (n: number) => {
      await publishFill(n);
      await waitFor(async () => (await store.currentSeq(`user:${userId}`)) === n, 5000, `seq ${n} stored`, 5);
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    return { userId, room: `user:${userId}`, publishFill, publishFillAndWait, store };
  };

  const connect = async (userId: string) => {
    const socket = await connectTestSocket(app().url, { token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, userId), auth, unpackBatches: true });
    sockets.push(socket);
    await socket.next('authenticated');
    return socket;
  };

  it('follows the ack with every fill after the resumed seq, those it had live included', async () => {
    const { userId, publishFill } = await trader();
    for (let n = 1; n <= 3; n++) await publishFill(n);
    const socket = await connect(userId);
    // Live since connecting: fills 4 and 5 arrive on their own.
    for (let n = 4; n <= 5; n++) await publishFill(n);
    await waitFor(() => fillsOf(socket).length === 2, 5000, 'fills 4 and 5 live');
    expect(fillsOf(socket)).toEqual([4, 5]);

    const resumed = await socket.request<JoinRoomAck>('join_room', { room: `user:${userId}`, resume: { seq: 1 } });
    expect(resumed).toMatchObject({ ok: true, seq: 1, resumed: true, replayed: 4 });
    await publishFill(6);
    await waitFor(() => fillsAfterAck(socket).length === 5, 5000, 'the replay and fill 6');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fillsAfterAck(socket)).toEqual([2, 3, 4, 5, 6]);
  });

  it('holds a fill published while the resume is read until after the replay', async () => {
    const { userId, room, publishFill, publishFillAndWait, store } = await trader();
    for (let n = 1; n <= 3; n++) await publishFill(n);
    const socket = await connect(userId);
    const held = holdNextRead(store, 'readSince', room);
    try {
      const resuming = socket.request<JoinRoomAck>('join_room', { room, resume: { seq: 1 } });
      await waitFor(held.sent, 5000, 'the resume to read the history');
      await publishFillAndWait(4);
      held.release();
      expect(await resuming).toMatchObject({ ok: true, seq: 1, resumed: true, replayed: 2 });
    } finally {
      held.restore();
    }
    await publishFill(5);
    await waitFor(() => fillsAfterAck(socket).length === 4, 5000, 'the replay, fill 4 and fill 5');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fillsOf(socket)).toEqual([2, 3, 4, 5]);
  });

  it('answers a resume sent during the join on connect after that join, so nothing after the ack comes twice', async () => {
    const { userId, room, publishFill, publishFillAndWait, store } = await trader();
    for (let n = 1; n <= 3; n++) await publishFill(n);
    // The join on connect reads the room's seq (3) and is answered only once released.
    const held = holdNextRead(store, 'readStart', room);
    let socket: TestSocket | undefined;
    try {
      socket = await connectTestSocket(app().url, { token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, userId), auth, unpackBatches: true });
      sockets.push(socket);
      await waitFor(held.sent, 5000, 'the join on connect to read the room');
      const resuming = socket.request<JoinRoomAck>('join_room', { room, resume: { seq: 1 } });
      await publishFillAndWait(4);
      held.release();
      expect(await resuming).toMatchObject({ ok: true, seq: 1, resumed: true, replayed: 3 });
    } finally {
      held.restore();
    }
    const resumed = socket;
    await publishFill(5);
    await waitFor(() => fillsAfterAck(resumed).length >= 4, 5000, 'the replay and fill 5');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fillsAfterAck(resumed)).toEqual([2, 3, 4, 5]);
  });
});
