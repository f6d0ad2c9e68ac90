import type { Server, Socket } from 'socket.io';
import { BATCH_ROOM } from './internal-rooms';

/** A room as batched delivery sees it: its pending updates and its local members. */
export interface RoomState<T> {
  readonly name: string;
  /** Updates not yet had by every member, oldest first. */
  readonly log: T[];
  readonly members: Set<Member<T>>;
  /** How many of the members asked for batched delivery: none, and nothing is logged. */
  batchMembers: number;
}

/** A connection as batched delivery sees it. */
export interface Member<T> {
  readonly id: string;
  /** Resolved at its first write (the adapter knows ids, not sockets). */
  socket: Socket | undefined;
  batch: boolean;
  /**
   * Its rooms that carry updates (not its own id's room nor the gateway's internal ones). Replaced,
   * not pushed to, on a join: an array grown by `push` keeps room for 17 entries (about 150 B per
   * connection) for the one or few rooms most sockets are in.
   */
  rooms: readonly RoomState<T>[];
  /** Index of the last update it was written (updates are numbered across rooms). */
  cursor: number;
  /** Per room, the index up to which a join's replay or a resync sent it directly. */
  marks: Map<RoomState<T>, number> | undefined;
  /** The pass that owes it a write (passes are numbered). */
  owedIn: number;
}

/**
 * Who is in which room, kept as direct references from the adapter's join and leave events.
 * A delivery pass visits thousands of sockets, each in several rooms; finding each room's
 * pending updates by name, for every socket in every pass, cost more than the kernel write it
 * prepared. The adapter stays the source of truth: these records only mirror it.
 */
export class BatchMembership<T> {
  readonly rooms = new Map<string, RoomState<T>>();
  readonly members = new Map<string, Member<T>>();
  /** Members that asked for batched delivery, in the order they did (about connection order). */
  readonly batch = new Set<Member<T>>();
  /** Called when a room loses its last member, so its pending updates can be dropped. */
  onRoomDeleted: (room: RoomState<T>) => void = () => undefined;

  attach(server: Server): void {
    const adapter = server.sockets.adapter;
    for (const [id, rooms] of adapter.sids) for (const room of rooms) this.joined(room, id);
    adapter.on('join-room', (room: string, id: string) => this.joined(room, id));
    adapter.on('leave-room', (room: string, id: string) => this.left(room, id));
  }

  private joined(room: string, id: string): void {
    let member = this.members.get(id);
    if (!member) {
      member = { id, socket: undefined, batch: false, rooms: [], cursor: 0, marks: undefined, owedIn: 0 };
      this.members.set(id, member);
    }
    if (room === id) return;
    if (room === BATCH_ROOM) {
      if (member.batch) return;
      member.batch = true;
      this.batch.add(member);
      for (const state of member.rooms) state.batchMembers++;
      return;
    }
    // The other internal rooms (paused, filters) are read from the adapter once per pass.
    if (room.startsWith('__')) return;
    let state = this.rooms.get(room);
    if (!state) {
      state = { name: room, log: [], members: new Set(), batchMembers: 0 };
      this.rooms.set(room, state);
    }
    if (state.members.has(member)) return;
    state.members.add(member);
    member.rooms = [...member.rooms, state];
    if (member.batch) state.batchMembers++;
  }

  private left(room: string, id: string): void {
    const member = this.members.get(id);
    if (!member) return;
    if (room === id) {
      // A disconnect leaves the socket's own room first: forget the member and all its rooms.
      for (const state of member.rooms) this.removeFrom(state, member);
      member.rooms = [];
      this.members.delete(id);
      this.batch.delete(member);
      return;
    }
    if (room === BATCH_ROOM) {
      if (!member.batch) return;
      member.batch = false;
      this.batch.delete(member);
      for (const state of member.rooms) state.batchMembers--;
      return;
    }
    const state = this.rooms.get(room);
    if (!state || !state.members.has(member)) return;
    member.rooms = member.rooms.filter((joined) => joined !== state);
    member.marks?.delete(state);
    this.removeFrom(state, member);
  }

  private removeFrom(state: RoomState<T>, member: Member<T>): void {
    state.members.delete(member);
    if (member.batch) state.batchMembers--;
    if (state.members.size > 0) return;
    this.rooms.delete(state.name);
    this.onRoomDeleted(state);
  }
}
