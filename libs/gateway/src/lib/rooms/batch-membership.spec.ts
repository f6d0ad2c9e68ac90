import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { BatchMembership } from './batch-membership';
import { BATCH_ROOM, pausedRoomOf } from './internal-rooms';

/** Real Socket.IO server and clients: the records must mirror the adapter through joins, leaves and disconnects. */
describe('BatchMembership', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeEach(async () => {
    http = createServer();
    io = new Server(http, { transports: ['websocket'], serveClient: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await io.close();
  });

  async function connect(): Promise<string> {
    const client = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    return client.id ?? '';
  }
  const socketOf = (id: string) => {
    const socket = io.sockets.sockets.get(id);
    if (!socket) throw new Error(`no socket ${id}`);
    return socket;
  };
  const roomsOf = (membership: BatchMembership<number>, id: string) => membership.members.get(id)?.rooms.map((room) => room.name);

  it('picks up what the adapter already holds, then follows joins and leaves', async () => {
    const early = await connect();
    void socketOf(early).join(['price:A', BATCH_ROOM]);
    const membership = new BatchMembership<number>();
    membership.attach(io);
    expect(roomsOf(membership, early)).toEqual(['price:A']);
    expect(membership.rooms.get('price:A')?.batchMembers).toBe(1);

    const late = await connect();
    void socketOf(late).join(['price:A', 'price:B', pausedRoomOf('price:A')]);
    expect(roomsOf(membership, late)).toEqual(['price:A', 'price:B']);
    expect(membership.rooms.get('price:A')?.members.size).toBe(2);
    // Not a batch member (yet): counted as a member, not as a batch member.
    expect(membership.rooms.get('price:A')?.batchMembers).toBe(1);
    void socketOf(late).join(BATCH_ROOM);
    expect(membership.rooms.get('price:A')?.batchMembers).toBe(2);
    expect([...membership.batch].map((member) => member.id)).toEqual([early, late]);

    void socketOf(late).leave('price:B');
    expect(roomsOf(membership, late)).toEqual(['price:A']);
    expect(membership.rooms.has('price:B')).toBe(false);
    void socketOf(early).leave(BATCH_ROOM);
    expect(membership.rooms.get('price:A')?.batchMembers).toBe(1);
    expect([...membership.batch].map((member) => member.id)).toEqual([late]);
  });

  it('forgets a socket and the rooms only it was in when it disconnects', async () => {
    const membership = new BatchMembership<number>();
    membership.attach(io);
    const deleted: string[] = [];
    membership.onRoomDeleted = (room) => deleted.push(room.name);
    const leaving = await connect();
    const staying = await connect();
    void socketOf(leaving).join(['price:A', 'user:1', BATCH_ROOM]);
    void socketOf(staying).join(['price:A', BATCH_ROOM]);
    socketOf(leaving).disconnect(true);
    expect(membership.members.has(leaving)).toBe(false);
    expect(deleted).toEqual(['user:1']);
    expect(membership.rooms.get('price:A')?.members.size).toBe(1);
    expect(membership.rooms.get('price:A')?.batchMembers).toBe(1);
    expect(membership.batch.size).toBe(1);
  });
});
