import { DEXEventType, type JoinRoomAck, type TradeNotificationMessage } from '@moonx-farm/events';
import { DEVELOPMENT_JWT_SECRET, issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, type TestSocket } from '@moonx-farm/test-env';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * A trader's private rooms are joined on connect; a client that comes back from another
 * replica then resumes them from its last seq. What it already got live since connecting must
 * not be replayed: the resume fills only the gap before it.
 */
describe.each([
  ['plain delivery', {}],
  ['batched delivery', { batch: true }],
])('resuming a room the connection is already live in (%s)', (_, auth) => {
  const { app, sockets } = inProcessStandaloneFor();

  // Batch frames are recorded update by update (unpackBatches), so both modes read alike.
  const fillsOf = (socket: TestSocket) => socket.all<TradeNotificationMessage>('trade_notification');

  it('replays only the fills from before the connection went live, each fill once', async () => {
    const standalone = app();
    const userId = `trader-${Object.keys(auth).length}`;
    const fill = (n: number) => ({ type: DEXEventType.TRADE_NOTIFICATION as const, symbol: 'ETH-USDC', userId, timestamp: Date.now(), data: { price: 2500 + n, amount: 1, side: 'buy' as const } });
    for (let n = 1; n <= 3; n++) await standalone.publisher.publish(fill(n));
    const trader = await connectTestSocket(standalone.url, { token: await issueHmacToken({ secret: DEVELOPMENT_JWT_SECRET }, userId), auth, unpackBatches: true });
    sockets.push(trader);
    await trader.next('authenticated');
    // Live since connecting: fills 4 and 5 arrive on their own.
    for (let n = 4; n <= 5; n++) await standalone.publisher.publish(fill(n));
    const deadline = Date.now() + 5000;
    while (fillsOf(trader).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fillsOf(trader).map((message) => message.seq)).toEqual([4, 5]);

    const resumed = await trader.request<JoinRoomAck>('join_room', { room: `user:${userId}`, resume: { seq: 1 } });
    expect(resumed).toMatchObject({ ok: true, seq: 1, resumed: true, replayed: 2 });
    await standalone.publisher.publish(fill(6));
    while (fillsOf(trader).length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fillsOf(trader).map((message) => message.seq)).toEqual([4, 5, 2, 3, 6]);
  });
});
