import type { Server } from 'socket.io';
import { DEXEventType } from '@moonx-farm/events';
import { BacklogWatch } from './backlog-watch';
import { BatchedDelivery, type BatchItem, type BatchPacing } from './batched-delivery';
import { BATCH_ROOM, pausedRoomOf, skipRoomOf } from './internal-rooms';
import { directPath } from './room-frame-writer';
import { startSocketIoTestServer, type SocketIoTestServer } from './testing/socket-io-test.server';

interface Received {
  at: number;
  frame: string;
  updates: [string, { seq: number; room: string }][];
}

/** Real Socket.IO server and clients: what the batches look like on the wire, as a client unpacks them. */
describe('BatchedDelivery', () => {
  let server: SocketIoTestServer;
  let io: Server;

  beforeEach(async () => {
    server = await startSocketIoTestServer();
    io = server.io;
    io.on('connection', (socket) => {
      if ((socket.handshake.auth as { batch?: boolean }).batch) void socket.join(BATCH_ROOM);
    });
  });

  afterEach(() => server.close());

  async function connect(rooms: string[]): Promise<{ id: string; received: Received[] }> {
    const client = await server.connect({ batch: true });
    const received: Received[] = [];
    client.onAny((event: string, payload: unknown) => {
      const updates = event === 'batch' ? (payload as Received['updates']) : [[event, payload] as Received['updates'][number]];
      received.push({ at: Date.now(), frame: event, updates });
    });
    const socket = io.sockets.sockets.get(client.id ?? '');
    if (!socket) throw new Error('server socket not found');
    for (const room of rooms) await socket.join(room);
    return { id: socket.id, received };
  }

  const serverSocket = (id: string) => {
    const socket = io.sockets.sockets.get(id);
    if (!socket) throw new Error(`no server socket ${id}`);
    return socket;
  };
  const price = (room: string, seq: number): BatchItem => ({
    type: DEXEventType.PRICE_UPDATE,
    body: JSON.stringify(['price_update', { seq, room }]),
    timestamp: Date.now(),
  });
  const trade = (room: string, seq: number): BatchItem => ({
    type: DEXEventType.TRADE_NOTIFICATION,
    body: JSON.stringify(['trade_notification', { seq, room }]),
    timestamp: Date.now(),
  });
  /** A budget pinned at `framesPerSec` that counts the passes it held back and the updates that came during a pass. */
  const fixedBudget = (framesPerSec: number) => ({
    framesPerSec,
    heldBack: 0,
    behind: 0,
    noteHeldBack() {
      this.heldBack++;
    },
    noteBehind() {
      this.behind++;
    },
  });
  const delivery = (pacing: Partial<BatchPacing> = {}, onWritten?: (item: BatchItem, writtenAt: number) => void) => {
    const batched = new BatchedDelivery({ windowMs: 0, budget: fixedBudget(100_000), backlog: new BacklogWatch(), ...pacing }, onWritten);
    batched.attach(io);
    return batched;
  };
  const seqOfBody = (body: string) => (JSON.parse(body) as [string, { seq: number }])[1].seq;
  const seqsOf = (received: Received[], room: string) => received.flatMap((item) => item.updates).filter(([, update]) => update.room === room).map(([, update]) => update.seq);
  const until = async (check: () => boolean, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it('sends what a socket is owed in one frame, each room in order; a lone update as its plain event', async () => {
    const both = await connect(['price:A', 'price:B']);
    const onlyA = await connect(['price:A']);
    const batched = delivery();
    for (let seq = 1; seq <= 3; seq++) batched.add('price:A', price('price:A', seq));
    batched.add('price:B', price('price:B', 7));
    await until(() => both.received.length > 0 && onlyA.received.length > 0);
    expect(both.received.map((item) => item.frame)).toEqual(['batch']);
    expect(seqsOf(both.received, 'price:A')).toEqual([1, 2, 3]);
    expect(seqsOf(both.received, 'price:B')).toEqual([7]);
    expect(onlyA.received.map((item) => item.frame)).toEqual(['batch']);
    expect(seqsOf(onlyA.received, 'price:A')).toEqual([1, 2, 3]);

    batched.add('price:B', price('price:B', 8));
    await until(() => both.received.length > 1);
    expect(both.received[1]).toMatchObject({ frame: 'price_update', updates: [['price_update', { seq: 8, room: 'price:B' }]] });
    expect(onlyA.received).toHaveLength(1);
  });

  it('writes one frame, built once, to the sockets owed the same updates of a room; each gets what it is owed', async () => {
    const both = await connect(['price:A', 'price:B']);
    const first = await connect(['price:A']);
    const second = await connect(['price:A']);
    // The bytes each server socket is given, as the kernel write sees them.
    const writes = new Map<string, Buffer[]>();
    for (const { id } of [both, first, second]) {
      const tcp = directPath(serverSocket(id)) as unknown as { write(data: Buffer): boolean } | undefined;
      if (!tcp) throw new Error('no direct path to an idle socket');
      const write = tcp.write.bind(tcp);
      writes.set(id, []);
      tcp.write = (data: Buffer) => {
        writes.get(id)?.push(data);
        return write(data);
      };
    }
    const batched = delivery();
    batched.add('price:A', price('price:A', 1));
    await until(() => [both, first, second].every((client) => client.received.length === 1));
    // Only `both` is owed this one: its cursor moves past the others'.
    batched.add('price:B', price('price:B', 1));
    await until(() => both.received.length === 2);
    batched.add('price:A', price('price:A', 2));
    batched.add('price:A', price('price:A', 3));
    await until(() => both.received.length === 3 && first.received.length === 2 && second.received.length === 2);
    for (const client of [both, first, second]) expect(seqsOf(client.received, 'price:A')).toEqual([1, 2, 3]);
    expect(seqsOf(both.received, 'price:B')).toEqual([1]);
    const last = (id: string) => writes.get(id)?.at(-1);
    expect(last(first.id)).toBe(last(second.id));
    expect(last(first.id)?.toString()).toContain('"batch"');
  });

  it('notes for the slow-socket monitor only the sockets it leaves or finds with bytes queued', async () => {
    const idle = await connect(['price:A']);
    const busy = await connect(['price:A']);
    const busySocket = io.sockets.sockets.get(busy.id);
    const engine = busySocket?.conn as unknown as { transport: { writable: boolean }; flush(): void };
    // As while a previous write is in flight: Engine.IO queues what it is given.
    engine.transport.writable = false;
    const backlog = new BacklogWatch();
    const batched = delivery({ backlog });
    batched.add('price:A', price('price:A', 1));
    await until(() => idle.received.length === 1);
    expect([...backlog]).toEqual([busySocket]);
    engine.transport.writable = true;
    engine.flush();
    await until(() => busy.received.length === 1);
    expect(seqsOf(busy.received, 'price:A')).toEqual([1]);
  });

  it('gives each socket its own bytes when sockets share nothing, also one whose stream holds its frame for later', async () => {
    // 80 sockets, each in a room of its own: after 64 lookups without a shared frame the pass
    // builds the rest in one reused buffer (batch-frames.ts).
    const clients = await Promise.all(Array.from({ length: 80 }, (_, i) => connect([`price:S${i}`])));
    // As a stream that cannot write yet: the 70th socket's frame stays queued, by reference.
    const held = directPath(serverSocket(clients[69].id)) as unknown as { cork(): void; uncork(): void } | undefined;
    if (!held) throw new Error('no direct path to an idle socket');
    held.cork();
    const batched = delivery();
    clients.forEach((_, i) => batched.add(`price:S${i}`, price(`price:S${i}`, i + 1)));
    await until(() => clients.every((client, i) => i === 69 || client.received.length === 1));
    held.uncork();
    await until(() => clients[69].received.length === 1);
    clients.forEach((client, i) => expect(client.received.flatMap((item) => item.updates)).toEqual([['price_update', { seq: i + 1, room: `price:S${i}` }]]));
  });

  it('skips paused sockets and filtered event types, per socket', async () => {
    const paused = await connect(['user:1', pausedRoomOf('user:1')]);
    const filtered = await connect(['user:1', skipRoomOf(DEXEventType.PRICE_UPDATE)]);
    const everything = await connect(['user:1']);
    const batched = delivery();
    batched.add('user:1', price('user:1', 1));
    batched.add('user:1', trade('user:1', 2));
    await until(() => everything.received.length > 0 && filtered.received.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seqsOf(everything.received, 'user:1')).toEqual([1, 2]);
    expect(filtered.received).toEqual([expect.objectContaining({ frame: 'trade_notification' })]);
    expect(paused.received).toEqual([]);
  });

  it('does not send again what a join or a resync has just sent directly', async () => {
    const joiner = await connect(['price:A']);
    const member = await connect(['price:A']);
    const batched = delivery({ windowMs: 30 });
    batched.add('price:A', price('price:A', 1));
    await until(() => member.received.length === 1);
    // Before the next pass: update 2 arrives, the joiner is sent it directly, then 3 arrives.
    batched.add('price:A', price('price:A', 2));
    batched.caughtUpTo(serverSocket(joiner.id), 'price:A');
    batched.add('price:A', price('price:A', 3));
    await until(() => member.received.length === 2);
    await until(() => seqsOf(joiner.received, 'price:A').includes(3));
    expect(seqsOf(member.received, 'price:A')).toEqual([1, 2, 3]);
    expect(seqsOf(joiner.received, 'price:A')).toEqual([1, 3]);
  });

  it('gives an update that arrives during a pass to the sockets the pass has not written yet', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => connect(['price:A'])));
    // 100 frames a second: a pass of 40 frames is followed by the next one 400 ms after it started.
    const budget = fixedBudget(100);
    const batched = delivery({ budget });
    batched.add('price:A', price('price:A', 1));
    await until(() => clients.every((client) => client.received.length === 1));
    // Held back by the budget, the next pass spreads its writes (32 at a time) over its 400 ms:
    // the last 8 go 320 ms after the first 32, time enough for update 3 to arrive in between
    // even on a busy machine (at 1,000 frames a second it was 32 ms, and a slow read missed it).
    batched.add('price:A', price('price:A', 2));
    await until(() => clients.some((client) => client.received.length === 2));
    batched.add('price:A', price('price:A', 3));
    await until(() => clients.every((client) => seqsOf(client.received, 'price:A').length === 3));
    for (const client of clients) expect(seqsOf(client.received, 'price:A')).toEqual([1, 2, 3]);
    // The ones written after update 3 arrived got 2 and 3 in one frame.
    expect(clients.filter((client) => client.received.length === 2).length).toBeGreaterThan(0);
    // Update 3 came while the pass was writing: the budget heard that delivery was behind.
    expect(budget.behind).toBe(1);
  });

  it('stays within its frame budget: under load updates gather into fewer, larger frames', async () => {
    const client = await connect(['price:A']);
    // 20 frames a second at most: after one frame, the next may start 50 ms later.
    const budget = fixedBudget(20);
    const batched = delivery({ budget });
    const started = Date.now();
    for (let seq = 1; seq <= 60; seq++) {
      batched.add('price:A', price('price:A', seq));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await until(() => seqsOf(client.received, 'price:A').length === 60);
    expect(seqsOf(client.received, 'price:A')).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
    const elapsedSec = (Date.now() - started) / 1000;
    expect(client.received.length).toBeLessThanOrEqual(Math.ceil(elapsedSec * 20) + 1);
    expect(client.received[0].updates).toHaveLength(1);
    // Written 50 ms apart; seen by the client at least 25 apart, since a late read on a busy
    // machine brings one frame closer to the next (unpaced, they would be about 2 ms apart).
    for (let index = 1; index < client.received.length; index++) {
      expect(client.received[index].at - client.received[index - 1].at).toBeGreaterThanOrEqual(25);
    }
    // Each pass after the first was held back, and the budget was told so (it may grow).
    expect(budget.heldBack).toBeGreaterThanOrEqual(client.received.length - 1);
  });

  it('tells the budget it binds each time a paced pass waits for it between writes', async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, () => connect(['price:A'])));
    // 100 frames a second: the held-back pass writes 32 sockets, waits 320 ms, and so on.
    const budget = fixedBudget(100);
    const batched = delivery({ budget });
    batched.add('price:A', price('price:A', 1));
    await until(() => clients.every((client) => client.received.length === 1));
    expect(budget.heldBack).toBe(0);
    batched.add('price:A', price('price:A', 2));
    await until(() => clients.every((client) => client.received.length === 2));
    // Once when the pass was held back, then at each of its three waits: a pass that spreads
    // its writes over seconds binds all that time, not only at its start.
    expect(budget.heldBack).toBe(4);
  });

  it('does not tell the budget it binds when passes are not held back', async () => {
    const client = await connect(['price:A']);
    const budget = fixedBudget(100_000);
    const batched = delivery({ budget });
    for (let seq = 1; seq <= 5; seq++) {
      batched.add('price:A', price('price:A', seq));
      await until(() => client.received.length === seq);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(budget.heldBack).toBe(0);
    // Each update came after the last pass had ended: delivery was never behind.
    expect(budget.behind).toBe(0);
  });

  it('does not tell the budget it binds when the window is what holds a pass back', async () => {
    const client = await connect(['price:A']);
    const budget = fixedBudget(100_000);
    const batched = delivery({ budget, windowMs: 30 });
    batched.add('price:A', price('price:A', 1));
    await until(() => client.received.length === 1);
    batched.add('price:A', price('price:A', 2));
    await until(() => seqsOf(client.received, 'price:A').length === 2);
    expect(budget.heldBack).toBe(0);
  });

  it('reports each update once every member has had it, with the middle of its writes', async () => {
    await connect(['price:A']);
    await connect(['price:A']);
    await connect(['price:B']);
    const written: [number, number][] = [];
    const before = Date.now();
    const batched = delivery({}, (item, writtenAt) => written.push([seqOfBody(item.body), writtenAt]));
    batched.add('price:A', price('price:A', 1));
    batched.add('price:A', price('price:A', 2));
    // Nobody is in price:C: an update that reached no socket is not reported as written.
    batched.add('price:C', price('price:C', 9));
    await new Promise((resolve) => setTimeout(resolve, 50));
    batched.add('price:B', price('price:B', 3));
    await until(() => written.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written.map(([seq]) => seq)).toEqual([1, 2, 3]);
    for (const [, writtenAt] of written) {
      expect(writtenAt).toBeGreaterThanOrEqual(before);
      expect(writtenAt).toBeLessThanOrEqual(Date.now());
    }
  });
});
