import { DEXEventType, ErrorCode, type JoinRoomAck } from '@moonx-farm/events';
import { ROOM_STORE, type RoomStore } from '@moonx-farm/server-core';
import { connectTestSocket, waitFor } from '@moonx-farm/test-env';
import { holdNextRead } from './testing/held-store-read';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * A client that leaves a room while its join of that room is still being answered: the leave
 * is answered at once, the join then says the room was left, and the socket stays out of it.
 */
const ROOM = 'price:BTC-USDC';

describe('a leave while the join of the room is under way', () => {
  const { app, sockets } = inProcessStandaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC' });

  it('answers the join NOT_JOINED and delivers nothing of the room', async () => {
    const standalone = app();
    const store = standalone.app.get<RoomStore>(ROOM_STORE);
    const socket = await connectTestSocket(standalone.url);
    sockets.push(socket);
    const held = holdNextRead(store, 'readStart', ROOM);
    try {
      const joining = socket.request<JoinRoomAck>('join_room', { room: ROOM });
      await waitFor(held.sent, 5000, 'the join to read the room', 5);
      expect(await socket.request('leave_room', { room: ROOM })).toEqual({ ok: true, room: ROOM });
      held.release();
      const joined = await joining;
      expect(joined).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_JOINED } });
    } finally {
      held.restore();
    }
    await standalone.publisher.publish({ type: DEXEventType.PRICE_UPDATE, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: '1' } });
    await waitFor(async () => (await store.currentSeq(ROOM)) === 1, 5000, 'seq 1 stored', 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socket.all('price_update')).toEqual([]);

    // The room can be joined again as usual.
    expect(await socket.request<JoinRoomAck>('join_room', { room: ROOM })).toMatchObject({ ok: true, seq: 1 });
  });
});
