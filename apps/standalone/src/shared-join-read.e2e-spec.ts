import { DEXEventType, type JoinRoomAck, type PriceUpdateMessage } from '@moonx-farm/events';
import { ROOM_STORE, type RoomStore, type RoomStart } from '@moonx-farm/server-core';
import { connectTestSocket, waitFor } from '@moonx-farm/test-env';
import { inProcessStandaloneFor } from './testing/in-process-standalone';

/*
 * Joins of a room share the room's snapshot read when they ask in the same turn of the event
 * loop. A read already sent may have been answered before a later joiner started holding the
 * room's live events, so sharing it would lose that joiner the events in between. Here the
 * store answers the first read late, after a new event; the join that asked after that event
 * must get it, by its own read or live.
 */
const ROOM = 'price:BTC-USDC';

describe.each([
  ['plain delivery', {}],
  ['batched delivery', { batch: true }],
])('a join while the room is being read for another join (%s)', (_, auth) => {
  const { app, sockets } = inProcessStandaloneFor({ KNOWN_SYMBOLS: 'BTC-USDC' });

  const price = (n: number) => ({ type: DEXEventType.PRICE_UPDATE as const, symbol: 'BTC-USDC', timestamp: Date.now(), data: { price: `${n}` } });

  const until = (check: () => boolean | Promise<boolean>, what: string) => waitFor(check, 5000, what, 5);

  it('gets every event after its ack, with its own read of the room', async () => {
    const standalone = app();
    const store = standalone.app.get<RoomStore>(ROOM_STORE);
    await standalone.publisher.publish(price(1));
    await until(async () => (await store.currentSeq(ROOM)) === 1, 'seq 1 in the store');
    const first = await connectTestSocket(standalone.url, { auth, unpackBatches: true });
    const later = await connectTestSocket(standalone.url, { auth, unpackBatches: true });
    sockets.push(first, later);

    // Reads of the room are answered as the store was when they were sent, but only once released.
    const sent: number[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const original = store.readStart.bind(store);
    store.readStart = async (room: string): Promise<RoomStart> => {
      if (room !== ROOM) return original(room);
      const answer = await original(room);
      sent.push(answer.snapshot?.seq ?? answer.seq);
      await released;
      return answer;
    };
    try {
      const firstAck = first.request<JoinRoomAck>('join_room', { room: ROOM });
      await until(() => sent.length === 1, 'the first join to read the room');
      await standalone.publisher.publish(price(2));
      await until(async () => (await store.currentSeq(ROOM)) === 2, 'seq 2 in the store');
      const laterAck = later.request<JoinRoomAck>('join_room', { room: ROOM });
      // The later join reads the room itself (at seq 2) rather than waiting for the read sent at seq 1.
      await until(() => sent.length === 2, 'the later join to read the room');
      expect(sent).toEqual([1, 2]);
      release();

      const acks = [await firstAck, await laterAck];
      expect(acks.map((ack) => ack.ok && ack.seq)).toEqual([1, 2]);
      await standalone.publisher.publish(price(3));
      for (const [index, socket] of [first, later].entries()) {
        const ack = acks[index];
        if (!ack.ok) throw new Error('join refused');
        await socket.next<PriceUpdateMessage>('price_update', (update) => update.seq === 3);
        const seqs = socket.all<PriceUpdateMessage>('price_update').map((update) => update.seq);
        expect(seqs).toEqual(Array.from({ length: 3 - ack.seq }, (_, offset) => ack.seq + 1 + offset));
      }
    } finally {
      release();
      store.readStart = original;
    }
  });
});
