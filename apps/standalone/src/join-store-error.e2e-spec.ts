import { ErrorCode, type JoinRoomAck } from '@moonx-farm/events';
import { ROOM_STORE, type RoomStore } from '@moonx-farm/server-core';
import { connectTestSocket } from '@moonx-farm/test-env';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * A store that fails while a join checks whether the symbol is listed: the join is answered
 * with the store's error, and the next join works.
 */
describe('a store error during the symbol check of a join', () => {
  const { app, sockets } = inProcessStandaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC' });

  it('answers INTERNAL_ERROR with the reason, and the next join is checked again', async () => {
    const standalone = app();
    const store = standalone.app.get<RoomStore>(ROOM_STORE);
    const socket = await connectTestSocket(standalone.url);
    sockets.push(socket);
    const reads = store as unknown as { currentSeq: (room: string) => Promise<number> };
    const original = reads.currentSeq;
    reads.currentSeq = async (room: string) => {
      if (room === 'price:SOL-USDC') throw new Error('store unreachable');
      return original.call(store, room);
    };
    try {
      expect(await socket.request<JoinRoomAck>('join_room', { room: 'price:SOL-USDC' })).toEqual({
        ok: false,
        error: { code: ErrorCode.INTERNAL_ERROR, message: 'could not join "price:SOL-USDC": store unreachable' },
      });
    } finally {
      reads.currentSeq = original;
    }
    // Unlisted and never seen: refused as such, now that the store answers.
    expect(await socket.request<JoinRoomAck>('join_room', { room: 'price:SOL-USDC' })).toMatchObject({ ok: false, error: { code: ErrorCode.UNKNOWN_SYMBOL } });
    expect(await socket.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC' })).toMatchObject({ ok: true });
  });
});
