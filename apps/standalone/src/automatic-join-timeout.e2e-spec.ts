import { ErrorCode, type JoinRoomAck } from '@moonx-farm/events';
import { DEVELOPMENT_JWT_SECRET, issueHmacToken, ROOM_STORE, type RoomStore } from '@moonx-farm/server-core';
import { connectTestSocket, waitFor } from '@moonx-farm/test-env';
import { holdNextRead } from './testing/held-store-read';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * A trader's private rooms are joined on connect. When the store does not answer one of those
 * joins within JOIN_TIMEOUT_MS, the connection is told which room it is not in, before
 * `authenticated`, and can join it itself.
 */
const TIMEOUT_MS = 300;

describe('an automatic join the store does not answer in time', () => {
  const { app, sockets } = inProcessStandaloneFor({ JOIN_TIMEOUT_MS: String(TIMEOUT_MS) });

  it('sends an error naming the room before authenticated, and the room can be joined then', async () => {
    const standalone = app();
    const store = standalone.app.get<RoomStore>(ROOM_STORE);
    const userId = 'trader-automatic-join';
    const room = `user:${userId}`;
    const held = holdNextRead(store, 'readStart', room);
    try {
      const startedAt = Date.now();
      const socket = await connectTestSocket(standalone.url, { token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, userId) });
      sockets.push(socket);
      await socket.next('authenticated', undefined, 5000);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      const names = socket.received.map((event) => event.event);
      expect(names.indexOf('error')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('error')).toBeLessThan(names.indexOf('authenticated'));
      expect(socket.all('error')).toEqual([
        {
          code: ErrorCode.INTERNAL_ERROR,
          message: `automatic join of ${room} failed, join it with join_room: could not join "${room}": joining "${room}": no answer from the room store within ${TIMEOUT_MS} ms`,
        },
      ]);
      held.release();
      // The timed-out join left the room: a join of it is a fresh join, and answers.
      await waitFor(() => held.sent(), 1000, 'the held read to have been sent');
      expect(await socket.request<JoinRoomAck>('join_room', { room })).toMatchObject({ ok: true, room, seq: 0 });
    } finally {
      held.restore();
    }
  });
});
