import type { Server } from 'socket.io';
import { BatchMembership } from './batch-membership';
import { BATCH_ROOM, pausedRoomOf } from './internal-rooms';
import { startSocketIoTestServer, type SocketIoTestServer } from './testing/socket-io-test.server';

/** Real Socket.IO server and clients: the records must mirror the adapter through joins, leaves and disconnects. */
describe('BatchMembership', () => {
  let server: SocketIoTestServer;
  let io: Server;

  beforeEach(async () => {
    server = await startSocketIoTestServer();
    io = server.io;
  });

  afterEach(() => server.close());

  const connect = async () => (await server.connect()).id ?? '';
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
