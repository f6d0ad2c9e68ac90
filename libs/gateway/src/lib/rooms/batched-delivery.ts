import type { Server, Socket } from 'socket.io';
import { DEX_EVENT_TYPES, type DEXEventType } from '@moonx-farm/events';
import { BATCH_ROOM, pausedRoomOf, skipRoomOf } from './internal-rooms';
import { directPath, textFrame } from './room-frame-writer';

export interface BatchPacing {
  /** At least this long between the starts of two passes (0: as soon as the budget allows). */
  windowMs: number;
  /** Frames the replica may write per second now (frame-budget.ts); above it, updates pack into fewer, larger frames. */
  budget: { readonly framesPerSec: number };
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
  /** When it was first and last written to a socket (epoch ms). */
  firstWriteAt?: number;
  lastWriteAt?: number;
}

interface Pass {
  order: string[];
  position: number;
  written: number;
  startedAt: number;
  /** Every update up to this index reached, or was skipped for, every member it was owed to. */
  startIndex: number;
  /** The budget held this pass back (the replica is at capacity): its writes are spread too. */
  paced: boolean;
  paused: Map<string, Set<string>>;
  filters: Map<DEXEventType, Set<string>>;
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
 * Updates are logged per room; a dispatch costs the same whatever the room's size. A pass
 * visits the members of the rooms that got updates (in connection order when most sockets
 * are concerned) and writes each one everything it has not had yet, read at the moment of its
 * write: an update that arrives during a pass still reaches the sockets the pass has not
 * visited yet. Each socket remembers how far it has been served (a cursor); a join's replay
 * or a resync moves it for that room, so nothing is sent twice.
 *
 * Pacing is a budget of frames per second (`budget`, which follows the event loop's load): a pass that wrote n frames is
 * followed by the next one n / budget seconds after its start at the earliest. With
 * light traffic that is sooner than the next update, and a pass writes at full speed. When
 * the budget holds a pass back, the replica is at capacity: that pass spreads its writes
 * over its share of the budget, updates gather meanwhile and frames grow, so writes stay
 * bounded while updates per second keep rising; each socket is written about once per pass,
 * so an update waits about a pass at most.
 */
export class BatchedDelivery {
  private readonly logs = new Map<string, LoggedItem[]>();
  private lastIndex = 0;
  private readonly cursors = new WeakMap<Socket, number>();
  /** Per socket and room: the index up to which a join's replay or a resync sent it directly. */
  private readonly marks = new Map<Socket, Map<string, number>>();
  private dirtyRooms = new Set<string>();
  private pass: Pass | undefined;
  private scheduled = false;
  private nextPassAt = 0;
  private heldBack = false;
  /** Frames built since the last update arrived, by what they hold (see frameFor). */
  private frames = new Map<string, Buffer>();
  private framesOfIndex = 0;

  constructor(
    private readonly pacing: BatchPacing,
    /**
     * Per update, once every member has had it: the middle of its writes (epoch ms), the
     * typical moment a member got it, for the producer → socket write histogram.
     */
    private readonly onWritten: (item: BatchItem, writtenAt: number) => void = () => undefined,
  ) {}

  /** Logs an update of `room` for its batch-mode sockets. */
  add(server: Server, room: string, item: BatchItem): void {
    if (!server.sockets.adapter.rooms.get(BATCH_ROOM)?.size) return;
    let log = this.logs.get(room);
    if (!log) {
      log = [];
      this.logs.set(room, log);
    }
    log.push({ ...item, index: ++this.lastIndex });
    this.dirtyRooms.add(room);
    if (!this.pass && !this.scheduled) this.schedulePass(server);
  }

  /** The socket was just sent everything of `room` so far, directly (join replay, resync). */
  caughtUpTo(socket: Socket, room: string): void {
    if (!this.logs.has(room)) return;
    let rooms = this.marks.get(socket);
    if (!rooms) {
      rooms = new Map();
      this.marks.set(socket, rooms);
    }
    rooms.set(room, this.lastIndex);
  }

  private startPass(server: Server): void {
    this.scheduled = false;
    const adapterRooms = server.sockets.adapter.rooms;
    const batchMembers = adapterRooms.get(BATCH_ROOM);
    const dirty = this.dirtyRooms;
    this.dirtyRooms = new Set();
    const owed = new Set<string>();
    const paused = new Map<string, Set<string>>();
    for (const room of dirty) {
      const members = adapterRooms.get(room);
      if (!members || !batchMembers) continue;
      const [small, large] = members.size <= batchMembers.size ? [members, batchMembers] : [batchMembers, members];
      for (const id of small) if (large.has(id)) owed.add(id);
    }
    for (const room of this.logs.keys()) {
      const members = adapterRooms.get(pausedRoomOf(room));
      if (members?.size) paused.set(room, members);
    }
    const filters = new Map<DEXEventType, Set<string>>();
    for (const type of DEX_EVENT_TYPES) {
      const members = adapterRooms.get(skipRoomOf(type));
      if (members?.size) filters.set(type, members);
    }
    // Most sockets concerned: connection order, so each is written about once per pass period.
    const order = batchMembers && owed.size * 4 >= batchMembers.size ? [...batchMembers].filter((id) => owed.has(id)) : [...owed];
    const startedAt = performance.now();
    this.pass = { order, position: 0, written: 0, startedAt, startIndex: this.lastIndex, paced: this.heldBack, paused, filters };
    this.continuePass(server);
  }

  private continuePass(server: Server): void {
    const pass = this.pass;
    if (!pass) return;
    const sliceStart = performance.now();
    let sinceCheck = 0;
    while (pass.position < pass.order.length) {
      if (this.serve(server, pass.order[pass.position++], pass)) {
        pass.written++;
        sinceCheck++;
      }
      if (sinceCheck < CHECK_EVERY) continue;
      sinceCheck = 0;
      const now = performance.now();
      const due = pass.startedAt + (pass.written / this.pacing.budget.framesPerSec) * 1000;
      if (pass.paced && due - now >= 1) return void setTimeout(() => this.continuePass(server), due - now);
      if (now - sliceStart > SLICE_MS) return void setImmediate(() => this.continuePass(server));
    }
    this.endPass(server, pass);
  }

  private endPass(server: Server, pass: Pass): void {
    this.pass = undefined;
    this.trim(pass.startIndex);
    this.nextPassAt = pass.startedAt + Math.max(this.pacing.windowMs, (pass.written / this.pacing.budget.framesPerSec) * 1000);
    // A paced pass with updates waiting at its end: still at capacity, the next one is paced too.
    if (this.dirtyRooms.size > 0) this.schedulePass(server, pass.paced);
  }

  /** The next pass starts once the frames of the last one fit the budget. */
  private schedulePass(server: Server, atCapacity = false): void {
    this.scheduled = true;
    const wait = this.nextPassAt - performance.now();
    this.heldBack = atCapacity || wait >= 1;
    if (wait >= 1) setTimeout(() => this.startPass(server), wait);
    else setImmediate(() => this.startPass(server));
  }

  /** Writes one socket what it is owed; false when it was owed nothing. */
  private serve(server: Server, id: string, pass: Pass): boolean {
    const socket = server.sockets.sockets.get(id);
    const joined = server.sockets.adapter.sids.get(id);
    if (!socket?.connected || !joined) return false;
    const cursor = this.cursors.get(socket) ?? 0;
    this.cursors.set(socket, this.lastIndex);
    const marks = this.marks.get(socket);
    if (marks) this.marks.delete(socket);
    const bodies: string[] = [];
    const now = Date.now();
    let key = `${cursor}`;
    let own = false;
    for (const room of joined) {
      const log = this.logs.get(room);
      const mark = marks?.get(room);
      const from = mark !== undefined && mark > cursor ? mark : cursor;
      if (!log || log.length === 0 || log[log.length - 1].index <= from || pass.paused.get(room)?.has(id)) continue;
      if (from !== cursor) own = true;
      let at = log.length;
      while (at > 0 && log[at - 1].index > from) at--;
      for (; at < log.length; at++) {
        const item = log[at];
        if (pass.filters.size > 0 && pass.filters.get(item.type)?.has(id)) own = true;
        else {
          bodies.push(item.body);
          item.firstWriteAt ??= now;
          item.lastWriteAt = now;
        }
      }
      key += `|${room}`;
    }
    if (bodies.length === 0) return false;
    // Socket.IO v5 EVENT packet in the default namespace: "2" + JSON array [name, ...args].
    const packet = bodies.length === 1 ? `2${bodies[0]}` : `2["batch",[${bodies.join(',')}]]`;
    const tcp = directPath(socket);
    if (!tcp) socket.conn.write(packet);
    else tcp.write(this.frameFor(own ? undefined : key, packet));
    return true;
  }

  /** Sockets served the same updates get the same bytes: a frame is built once while nothing new arrived. */
  private frameFor(key: string | undefined, packet: string): Buffer {
    if (this.framesOfIndex !== this.lastIndex) {
      this.frames = new Map();
      this.framesOfIndex = this.lastIndex;
    }
    let frame = key === undefined ? undefined : this.frames.get(key);
    if (!frame) {
      frame = textFrame(`4${packet}`);
      if (key !== undefined) this.frames.set(key, frame);
    }
    return frame;
  }

  /** Drops what every member has had (index ≤ upTo), and the marks that no longer hold anything back. */
  private trim(upTo: number): void {
    this.frames = new Map();
    for (const [room, log] of this.logs) {
      let count = 0;
      while (count < log.length && log[count].index <= upTo) count++;
      if (count === 0) continue;
      for (const item of log.splice(0, count)) {
        if (item.firstWriteAt !== undefined && item.lastWriteAt !== undefined) this.onWritten(item, (item.firstWriteAt + item.lastWriteAt) / 2);
      }
      if (log.length === 0) this.logs.delete(room);
    }
    for (const [socket, rooms] of this.marks) {
      for (const [room, index] of rooms) if (index <= upTo) rooms.delete(room);
      if (rooms.size === 0) this.marks.delete(socket);
    }
  }
}
