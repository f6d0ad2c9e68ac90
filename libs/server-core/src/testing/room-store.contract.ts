import { DEXEventType } from '@moonx-farm/events';
import type { RoomFeed } from '../lib/ports/room-feed.port';
import type { AppendRequest, RoomStore } from '../lib/ports/room-store.port';
import { buildEnvelope, messageTailOf } from '../lib/room-message-builder';

export interface RoomStoreHarness {
  store: RoomStore;
  /** A new feed (as a gateway replica would hold) on the same backend. */
  createFeed(): Promise<RoomFeed>;
  /** Limits the store was created with. */
  limits: { historyLimit: number; dedupeWindow: number };
  cleanup(): Promise<void>;
}

/**
 * The behaviour every RoomStore + RoomFeed pair must have. The in-memory and the Redis
 * implementations both run it, which is what keeps the embedded default honest.
 * Create the store with historyLimit 5 and dedupeWindow 3.
 */
export function describeRoomStoreContract(name: string, createHarness: () => Promise<RoomStoreHarness>): void {
  describe(`RoomStore contract: ${name}`, () => {
    let harness: RoomStoreHarness;
    let counter = 0;
    const uniqueRoom = () => `price:C${Date.now().toString(36).toUpperCase()}${counter++}-USDC`;
    const request = (room: string, eventId: string, price: string, snapshot = true): AppendRequest => {
      const tail = messageTailOf({ room, id: eventId, timestamp: 1700000000000, symbol: room.slice(6), price });
      return { room, type: DEXEventType.PRICE_UPDATE, eventId, messageTail: tail, snapshotTail: snapshot ? tail : undefined, publishedAt: 1700000000001 };
    };
    const collect = async (feed: RoomFeed, room: string) => {
      const received: string[] = [];
      feed.setListener((fromRoom, envelope) => {
        if (fromRoom === room) received.push(envelope);
      });
      await feed.subscribe(room);
      return received;
    };
    const eventually = async (check: () => boolean, timeoutMs = 3000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    beforeAll(async () => {
      harness = await createHarness();
    });
    afterAll(async () => {
      await harness.cleanup();
    });

    it('assigns contiguous seqs per room and publishes byte-identical envelopes in order', async () => {
      const room = uniqueRoom();
      const feed = await harness.createFeed();
      const received = await collect(feed, room);
      const requests = [request(room, 'a', '1'), request(room, 'b', '2.5'), request(room, 'c', '3')];
      const results = await Promise.all(requests.map((item) => harness.store.append(item)));
      expect(results).toEqual([
        { seq: 1, duplicate: false },
        { seq: 2, duplicate: false },
        { seq: 3, duplicate: false },
      ]);
      await eventually(() => received.length === 3);
      expect(received).toEqual(requests.map((item, index) => buildEnvelope(item, index + 1)));
      expect(JSON.parse(received[1])).toMatchObject({ v: 1, seq: 2, room, payload: { seq: 2, price: '2.5', room } });
      expect(await harness.store.currentSeq(room)).toBe(3);
      await feed.close();
    });

    it('keeps separate sequences for separate rooms', async () => {
      const first = uniqueRoom();
      const second = uniqueRoom();
      await harness.store.append(request(first, 'x', '1'));
      await harness.store.append(request(first, 'y', '1'));
      expect(await harness.store.append(request(second, 'x', '1'))).toEqual({ seq: 1, duplicate: false });
      expect(await harness.store.currentSeq(first)).toBe(2);
      expect(await harness.store.currentSeq(uniqueRoom())).toBe(0);
    });

    it('is idempotent by event id: a replay returns the first seq and publishes nothing', async () => {
      const room = uniqueRoom();
      const feed = await harness.createFeed();
      const received = await collect(feed, room);
      await harness.store.append(request(room, 'e1', '1'));
      await harness.store.append(request(room, 'e2', '2'));
      expect(await harness.store.append(request(room, 'e1', '1'))).toEqual({ seq: 1, duplicate: true });
      await harness.store.append(request(room, 'e3', '3'));
      await eventually(() => received.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(received.map((envelope) => JSON.parse(envelope).seq)).toEqual([1, 2, 3]);
      const history = await harness.store.readSince(room, 0, 100);
      expect(history.complete && history.envelopes.length).toBe(3);
      await feed.close();
    });

    it('forgets event ids beyond the dedupe window', async () => {
      const room = uniqueRoom();
      const ids = ['d1', 'd2', 'd3', 'd4', 'd5'];
      for (const id of ids) await harness.store.append(request(room, id, '1'));
      expect(await harness.store.append(request(room, 'd5', '1'))).toEqual({ seq: 5, duplicate: true });
      expect(await harness.store.append(request(room, 'd1', '1'))).toEqual({ seq: 6, duplicate: false });
    });

    it('refuses an append that would not take its expected seq, writing and publishing nothing', async () => {
      const room = uniqueRoom();
      const feed = await harness.createFeed();
      const received = await collect(feed, room);
      expect(await harness.store.append({ ...request(room, 'x1', '1'), expectedSeq: 1 })).toEqual({ seq: 1, duplicate: false });
      // An append before it was lost: the next one must not take its place.
      await expect(harness.store.append({ ...request(room, 'x3', '3'), expectedSeq: 3 })).rejects.toThrow(
        `append to ${room} refused: the event was to take seq 3, but the room is at seq 1`,
      );
      await expect(harness.store.append({ ...request(room, 'x0', '0'), expectedSeq: 1 })).rejects.toThrow('the room is at seq 1');
      expect(await harness.store.currentSeq(room)).toBe(1);
      expect(await harness.store.snapshot(room)).toMatchObject({ seq: 1 });
      expect(await harness.store.knownEventIds(room, ['x3', 'x0'])).toEqual(new Set());
      // An id already sequenced answers as a duplicate whatever it expected.
      expect(await harness.store.append({ ...request(room, 'x1', '1'), expectedSeq: 7 })).toEqual({ seq: 1, duplicate: true });
      expect(await harness.store.append({ ...request(room, 'x2', '2'), expectedSeq: 2 })).toEqual({ seq: 2, duplicate: false });
      await eventually(() => received.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(received.map((envelope) => JSON.parse(envelope).seq)).toEqual([1, 2]);
      const history = await harness.store.readSince(room, 0, 100);
      expect(history.complete && history.envelopes.length).toBe(2);
      await feed.close();
    });

    it('says which event ids a room has sequenced, as far back as the dedupe window reaches', async () => {
      const room = uniqueRoom();
      expect(await harness.store.knownEventIds(room, ['k1'])).toEqual(new Set());
      for (const id of ['k1', 'k2', 'k3', 'k4']) await harness.store.append(request(room, id, '1'));
      // Window of 3: k1 is forgotten, and append would sequence it again.
      expect(await harness.store.knownEventIds(room, ['k1', 'k2', 'k4', 'k5', 'k2'])).toEqual(new Set(['k2', 'k4']));
      expect(await harness.store.knownEventIds(room, [])).toEqual(new Set());
      expect(await harness.store.knownEventIds(uniqueRoom(), ['k2', 'k4'])).toEqual(new Set());
    });

    it('stores the snapshot at its seq, only when the event carries one', async () => {
      const room = uniqueRoom();
      expect(await harness.store.snapshot(room)).toBeUndefined();
      await harness.store.append(request(room, 's1', '10'));
      await harness.store.append(request(room, 's2', '11', false));
      const snapshot = await harness.store.snapshot(room);
      expect(snapshot?.seq).toBe(1);
      expect(JSON.parse(snapshot?.message ?? '{}')).toMatchObject({ seq: 1, price: '10', room });
      await harness.store.append(request(room, 's3', '12'));
      expect((await harness.store.snapshot(room))?.seq).toBe(3);
    });

    it('reads where a room stands, its seq and its snapshot together', async () => {
      const room = uniqueRoom();
      expect(await harness.store.readStart(room)).toEqual({ seq: 0 });
      await harness.store.append(request(room, 'r1', '10', false));
      expect(await harness.store.readStart(room)).toEqual({ seq: 1 });
      await harness.store.append(request(room, 'r2', '11'));
      const start = await harness.store.readStart(room);
      expect(start.seq).toBe(2);
      expect(start.snapshot).toEqual(await harness.store.snapshot(room));
      expect(JSON.parse(start.snapshot?.message ?? '{}')).toMatchObject({ seq: 2, price: '11', room });
      // An event without a snapshot moves the seq past the snapshot, which stays where it was.
      await harness.store.append(request(room, 'r3', '12', false));
      expect(await harness.store.readStart(room)).toMatchObject({ seq: 3, snapshot: { seq: 2 } });
    });

    it('replays history after a seq, and says when history no longer reaches back', async () => {
      const room = uniqueRoom();
      for (let index = 1; index <= 8; index++) await harness.store.append(request(room, `h${index}`, String(index)));
      const recent = await harness.store.readSince(room, 5, 100);
      expect(recent.complete).toBe(true);
      if (recent.complete) expect(recent.envelopes.map((envelope) => JSON.parse(envelope).seq)).toEqual([6, 7, 8]);
      const limited = await harness.store.readSince(room, 4, 2);
      if (!limited.complete) throw new Error('expected complete');
      expect(limited.envelopes.map((envelope) => JSON.parse(envelope).seq)).toEqual([5, 6]);
      expect(await harness.store.readSince(room, 8, 100)).toEqual({ complete: true, envelopes: [], lastSeq: 8 });
      expect(await harness.store.readSince(room, 1, 100)).toEqual({ complete: false, lastSeq: 8 });
      expect(await harness.store.readSince(uniqueRoom(), 0, 100)).toEqual({ complete: true, envelopes: [], lastSeq: 0 });
    });

    it('syncs: when sync resolves, every message published before it has reached the listener', async () => {
      const room = uniqueRoom();
      const feed = await harness.createFeed();
      const received = await collect(feed, room);
      for (let round = 1; round <= 20; round++) {
        // The append is answered on the store's connection; its message comes on the feed's own.
        await harness.store.append(request(room, `s${round}`, String(round)));
        await feed.sync(room);
        expect(received).toHaveLength(round);
      }
      // Still one subscription: a single unsubscribe ends delivery.
      await feed.unsubscribe(room);
      await harness.store.append(request(room, 'after', '1'));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(received).toHaveLength(20);
      await feed.close();
    });

    it('delivers a room only to feeds subscribed to it, until they unsubscribe', async () => {
      const room = uniqueRoom();
      const other = uniqueRoom();
      const feedA = await harness.createFeed();
      const feedB = await harness.createFeed();
      const receivedA = await collect(feedA, room);
      const receivedB = await collect(feedB, other);
      await harness.store.append(request(room, 'f1', '1'));
      await eventually(() => receivedA.length === 1);
      await feedA.unsubscribe(room);
      await harness.store.append(request(room, 'f2', '1'));
      await harness.store.append(request(other, 'f3', '1'));
      await eventually(() => receivedB.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(receivedA).toHaveLength(1);
      expect(JSON.parse(receivedB[0]).room).toBe(other);
      await feedA.close();
      await feedB.close();
    });
  });
}
