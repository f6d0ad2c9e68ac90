import type { Server, Socket } from 'socket.io';
import { DEX_EVENT_TYPES, type DEXEventType } from '@moonx-farm/events';
import { BatchMembership, type Member, type RoomState } from './batch-membership';
import { pausedRoomOf, skipRoomOf } from './internal-rooms';
import { batchPacket } from './batch-frame.builder';
import { BatchFrames } from './batch-frames';
import type { BacklogWatch } from './backlog-watch';
import { directPath } from './room-frame-writer';

export interface BatchPacing {
  /** At least this long between the starts of two passes (0: as soon as the budget allows). */
  windowMs: number;
  /** Frames the replica may write per second now (frame-budget.ts); above it, updates pack into fewer, larger frames. */
  budget: { readonly framesPerSec: number; noteHeldBack(): void; noteBehind(): void };
  /** Where a socket left with, or found with, bytes queued is noted for the slow-socket monitor. */
  backlog: BacklogWatch;
}

/** One update for the batch-mode sockets of a room, already serialised as `["name",payload]`. */
export interface BatchItem {
  type: DEXEventType;
  body: string;
  /** Producer time (epoch ms), for the producer → socket write histogram. */
  timestamp: number;
}

interface LoggedItem extends BatchItem {
  /** Position in the replica's sequence of batched updates (all rooms). */
  index: number;
  /** `body` in UTF-8, encoded once for every frame that carries it. */
  bytes: Buffer;
  /** When it was first and last written to a socket (epoch ms). */
  firstWriteAt?: number;
  lastWriteAt?: number;
}

type Room = RoomState<LoggedItem>;
type Client = Member<LoggedItem>;

interface Pass {
  order: Client[];
  position: number;
  written: number;
  startedAt: number;
  /** Every update up to this index reached, or was skipped for, every member it was owed to. */
  startIndex: number;
  /** The budget held this pass back (the replica is at capacity): its writes are spread too. */
  paced: boolean;
  paused: Map<Room, Set<string>>;
  filters: Map<DEXEventType, Set<string>>;
  /** Wall clock (epoch ms) of the current stretch of writes, read once per few writes. */
  now: number;
}

/** Writes between two looks at the clock (pacing, and letting the event loop read input). */
const CHECK_EVERY = 32;
/** Longest stretch of writing before other work (Redis input, requests) gets a turn, ms. */
const SLICE_MS = 8;

/**
 * Batched delivery: what a batch-mode socket is owed goes out as ONE WebSocket frame,
 * `batch [[event, payload], …]` (a lone update goes out as its plain event). A kernel write per
 * frame per socket is what limits fan-out, so packing updates into one frame multiplies what a
 * replica can deliver.
 *
 * Updates are logged per room (only rooms with batch-mode members; batch-membership.ts keeps
 * who is where); a dispatch costs the same whatever the room's size. A pass
 * visits the members of the rooms that got updates (in connection order when most sockets
 * are concerned) and writes each one everything it has not had yet, read at the moment of its
 * write: an update that arrives during a pass still reaches the sockets the pass has not
 * visited yet. Each socket remembers how far it has been served (a cursor); a join's replay
 * or a resync moves it for that room, so nothing is sent twice.
 *
 * Pacing is a budget of frames per second (`budget`, which follows the event loop's load, see
 * frame-budget.ts): a pass that wrote n frames is followed by the next one n / budget seconds
 * after its start at the earliest. With
 * light traffic that is sooner than the next update, and a pass writes at full speed. When
 * the budget holds a pass back, the replica is at capacity: that pass spreads its writes
 * over its share of the budget, updates gather meanwhile and frames grow, so writes stay
 * bounded while updates per second keep rising; each socket is written about once per pass,
 * so an update waits about a pass at most.
 */
export class BatchedDelivery {
  private readonly membership = new BatchMembership<LoggedItem>();
  private server: Server | undefined;
  private lastIndex = 0;
  private passes = 0;
  /** Rooms with updates not yet had by every member. */
  private readonly logged = new Set<Room>();
  /** Members with marks (see caughtUpTo). */
  private readonly marked = new Set<Client>();
  private dirtyRooms = new Set<Room>();
  private pass: Pass | undefined;
  private scheduled = false;
  private nextPassAt = 0;
  private heldBack = false;
  /** The last pass's wait came from the frame budget, not from the window. */
  private budgetHolds = false;
  private readonly frames = new BatchFrames();
  /** What the socket being served is owed (reused: one pass serves thousands of sockets). */
  private readonly owed: LoggedItem[] = [];

  constructor(
    private readonly pacing: BatchPacing,
    /**
     * Per update, once every member has had it: the middle of its writes (epoch ms), the
     * typical moment a member got it, for the producer → socket write histogram.
     */
    private readonly onWritten: (item: BatchItem, writtenAt: number) => void = () => undefined,
  ) {
    this.membership.onRoomDeleted = (room) => {
      this.logged.delete(room);
      this.dirtyRooms.delete(room);
    };
  }

  /** Follows the server's rooms from now on (and those it already has). */
  attach(server: Server): void {
    this.server = server;
    this.membership.attach(server);
  }

  /** Logs an update of `room` for its batch-mode sockets. */
  add(room: string, item: BatchItem): void {
    const state = this.membership.rooms.get(room);
    if (!state || state.batchMembers === 0) return;
    // Object.assign, not `{ ...item, index, bytes }`: spread syntax followed by more properties is slow in Node 20's V8.
    state.log.push(Object.assign({ index: ++this.lastIndex, bytes: Buffer.from(item.body) }, item));
    this.logged.add(state);
    this.dirtyRooms.add(state);
    // Arriving while a pass writes: delivery is behind, and fewer, larger frames would help.
    if (this.pass) this.pacing.budget.noteBehind();
    else if (!this.scheduled) this.schedulePass();
  }

  /** The socket was just sent everything of `room` so far, directly (join replay, resync). */
  caughtUpTo(socket: Socket, room: string): void {
    const state = this.membership.rooms.get(room);
    const member = this.membership.members.get(socket.id);
    if (!state || !member || state.log.length === 0) return;
    member.marks ??= new Map();
    member.marks.set(state, this.lastIndex);
    this.marked.add(member);
  }

  private startPass(): void {
    this.scheduled = false;
    const server = this.server;
    if (!server) return;
    const adapterRooms = server.sockets.adapter.rooms;
    const dirty = this.dirtyRooms;
    this.dirtyRooms = new Set();
    const pass = ++this.passes;
    const owed: Client[] = [];
    for (const room of dirty) {
      for (const member of room.members) {
        if (!member.batch || member.owedIn === pass) continue;
        member.owedIn = pass;
        owed.push(member);
      }
    }
    const paused = new Map<Room, Set<string>>();
    for (const room of this.logged) {
      const members = adapterRooms.get(pausedRoomOf(room.name));
      if (members?.size) paused.set(room, members);
    }
    const filters = new Map<DEXEventType, Set<string>>();
    for (const type of DEX_EVENT_TYPES) {
      const members = adapterRooms.get(skipRoomOf(type));
      if (members?.size) filters.set(type, members);
    }
    // Most sockets concerned: connection order, so each is written about once per pass period.
    const batch = this.membership.batch;
    const order = owed.length * 4 >= batch.size ? [...batch].filter((member) => member.owedIn === pass) : owed;
    const startedAt = performance.now();
    this.frames.startPass();
    this.pass = { order, position: 0, written: 0, startedAt, startIndex: this.lastIndex, paced: this.heldBack, paused, filters, now: Date.now() };
    this.continuePass();
  }

  private continuePass(): void {
    const pass = this.pass;
    if (!pass) return;
    const sliceStart = performance.now();
    pass.now = Date.now();
    let sinceCheck = 0;
    while (pass.position < pass.order.length) {
      if (this.serve(pass.order[pass.position++], pass)) {
        pass.written++;
        sinceCheck++;
      }
      if (sinceCheck < CHECK_EVERY) continue;
      sinceCheck = 0;
      pass.now = Date.now();
      const now = performance.now();
      const due = pass.startedAt + (pass.written / this.pacing.budget.framesPerSec) * 1000;
      if (pass.paced && due - now >= 1) {
        // Waiting for the budget: it binds, and may grow (a long paced pass is one long hold).
        this.pacing.budget.noteHeldBack();
        return void setTimeout(() => this.continuePass(), due - now);
      }
      if (now - sliceStart > SLICE_MS) return void setImmediate(() => this.continuePass());
    }
    this.endPass(pass);
  }

  private endPass(pass: Pass): void {
    this.pass = undefined;
    this.trim(pass.startIndex);
    const budgetMs = (pass.written / this.pacing.budget.framesPerSec) * 1000;
    this.nextPassAt = pass.startedAt + Math.max(this.pacing.windowMs, budgetMs);
    this.budgetHolds = budgetMs >= this.pacing.windowMs;
    // A paced pass with updates waiting at its end: still at capacity, the next one is paced too.
    if (this.dirtyRooms.size > 0) this.schedulePass(pass.paced);
  }

  /** The next pass starts once the frames of the last one fit the budget. */
  private schedulePass(atCapacity = false): void {
    this.scheduled = true;
    const wait = this.nextPassAt - performance.now();
    this.heldBack = atCapacity || wait >= 1;
    if (this.heldBack && this.budgetHolds) this.pacing.budget.noteHeldBack();
    if (wait >= 1) setTimeout(() => this.startPass(), wait);
    else setImmediate(() => this.startPass());
  }

  /** Writes one socket what it is owed; false when it was owed nothing. */
  private serve(member: Client, pass: Pass): boolean {
    const socket = (member.socket ??= this.server?.sockets.sockets.get(member.id));
    if (!socket?.connected) return false;
    const id = member.id;
    const cursor = member.cursor;
    member.cursor = this.lastIndex;
    const marks = member.marks;
    if (marks) member.marks = undefined;
    const owed = this.owed;
    owed.length = 0;
    const now = pass.now;
    const share = this.frames.sharing;
    let key = '';
    let own = false;
    for (const room of member.rooms) {
      const log = room.log;
      if (log.length === 0) continue;
      const mark = marks?.get(room);
      const from = mark !== undefined && mark > cursor ? mark : cursor;
      if (log[log.length - 1].index <= from || (pass.paused.size > 0 && pass.paused.get(room)?.has(id))) continue;
      if (from !== cursor) own = true;
      let at = log.length;
      while (at > 0 && log[at - 1].index > from) at--;
      for (; at < log.length; at++) {
        const item = log[at];
        if (pass.filters.size > 0 && pass.filters.get(item.type)?.has(id)) own = true;
        else {
          owed.push(item);
          item.firstWriteAt ??= now;
          item.lastWriteAt = now;
        }
      }
      if (share) key += '|' + room.name;
    }
    if (owed.length === 0) return false;
    const tcp = directPath(socket);
    if (!tcp) {
      socket.conn.write(batchPacket(owed.map((item) => item.body)));
      this.pacing.backlog.note(socket);
    } else {
      // Sockets owed the same updates share a frame; one with updates of its own cannot.
      const frame = this.frames.frameFor(own || !share ? undefined : cursor + key, owed, this.lastIndex, tcp.writableLength === 0);
      tcp.write(frame);
      if (tcp.writableLength > 0) {
        this.frames.kept(frame);
        this.pacing.backlog.note(socket);
      }
    }
    return true;
  }

  /** Drops what every member has had (index ≤ upTo), and the marks that no longer hold anything back. */
  private trim(upTo: number): void {
    this.frames.clear();
    for (const room of this.logged) {
      const log = room.log;
      let count = 0;
      while (count < log.length && log[count].index <= upTo) count++;
      if (count === 0) continue;
      for (const item of log.splice(0, count)) {
        if (item.firstWriteAt !== undefined && item.lastWriteAt !== undefined) this.onWritten(item, (item.firstWriteAt + item.lastWriteAt) / 2);
      }
      if (log.length === 0) this.logged.delete(room);
    }
    for (const member of this.marked) {
      const marks = member.marks;
      if (marks) for (const [room, index] of marks) if (index <= upTo) marks.delete(room);
      if (!marks || marks.size === 0) {
        member.marks = undefined;
        this.marked.delete(member);
      }
    }
  }
}
