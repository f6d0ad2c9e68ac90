import type { Server } from 'socket.io';
import type { DEXEventType } from '@moonx-farm/events';
import { directPath, textFrame } from './room-frame-writer';

/** Sockets that asked for batched delivery (`auth: { batch: true }`) sit in this internal room. */
export const BATCH_ROOM = '__batch';

export interface BatchPacing {
  /** At least this long between two flushes (0: as soon as the budget allows). */
  windowMs: number;
  /** Frames the replica writes per second at most; above it, updates pack into fewer, larger frames. */
  maxFramesPerSec: number;
}

/** One update waiting for the next flush, already serialised as `["name",payload]`. */
export interface BatchItem {
  type: DEXEventType;
  seq: number;
  body: string;
  /** Producer time (epoch ms), for the producer → socket write histogram. */
  timestamp: number;
}

/** Which sockets of a room must not get an item: the room's paused sockets, and per-type filters. */
export interface ExclusionRooms {
  paused: string;
  skipOf(type: DEXEventType): string;
}

interface RoomBatch {
  items: BatchItem[];
  /** The items joined by commas, built on first use and shared by every member. */
  segment?: string;
}

interface SocketParts {
  parts: string[];
  count: number;
  /** The updated rooms this socket gets, by index: sockets with the same key get the same frame. */
  key: string;
  /** A filter or a catch-up made this socket's items differ from its rooms' shared segments. */
  own: boolean;
}

/**
 * Batched delivery: what a batch-mode socket is owed goes out as ONE WebSocket frame per flush,
 * `batch [[event, payload], …]` (a lone update goes out as its plain event). A kernel write per
 * frame per socket is what limits fan-out, so packing updates into one frame multiplies what a
 * replica can deliver.
 *
 * Updates are gathered per ROOM, not per socket: a dispatch costs the same whatever the room's
 * size, and the flush walks each updated room's members once. Sockets whose updated rooms are
 * the same get the very same bytes, so a frame is built once per distinct set, not per socket.
 *
 * Pacing is a budget of frames per second (`maxFramesPerSec`): after a flush that wrote n
 * frames, the next one starts n / maxFramesPerSec seconds after it started (and never sooner
 * than `windowMs`). With light traffic that pause is shorter than the gap between updates, so
 * an update goes out at once. With heavy traffic updates gather during it and frames grow:
 * the replica's writes, and each client's frames to decode, stay bounded while the updates
 * per second keep rising. Sockets are written in a stable order (connection order), so each
 * one is written at about the same point of every flush.
 */
export class BatchedDelivery {
  private rooms = new Map<string, RoomBatch>();
  /** Sockets that caught up on a room (join, resync) during this cycle, with the seq they reached. */
  private caughtUp = new Map<string, Map<string, number>>();
  private scheduled = false;
  private nextFlushAt = 0;

  constructor(
    private readonly pacing: BatchPacing,
    private readonly exclusions: (room: string) => ExclusionRooms,
    private readonly onFlushed: (items: readonly BatchItem[], now: number) => void = () => undefined,
  ) {}

  /** Queues an update of `room` for its batch-mode sockets. */
  add(server: Server, room: string, item: BatchItem): void {
    if (!server.sockets.adapter.rooms.get(BATCH_ROOM)?.size) return;
    let batch = this.rooms.get(room);
    if (!batch) {
      batch = { items: [] };
      this.rooms.set(room, batch);
    }
    batch.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.nextFlushAt - performance.now();
    if (wait >= 1) setTimeout(() => this.flush(server), wait);
    else setImmediate(() => this.flush(server));
  }

  /**
   * A socket was just sent `room`'s events up to `seq` directly (a join's replay, a resync):
   * the updates of this cycle it already has must not reach it a second time.
   */
  caughtUpTo(socketId: string, room: string, seq: number): void {
    if (this.rooms.size === 0) return;
    let sockets = this.caughtUp.get(room);
    if (!sockets) {
      sockets = new Map();
      this.caughtUp.set(room, sockets);
    }
    sockets.set(socketId, seq);
  }

  flush(server: Server): void {
    const started = performance.now();
    this.scheduled = false;
    const rooms = this.rooms;
    const caughtUp = this.caughtUp;
    this.rooms = new Map();
    this.caughtUp = new Map();
    const owed = this.collect(server, rooms, caughtUp);
    // Sockets with the same updated rooms get the same frame: built once per flush.
    const frames = new Map<string, Buffer>();
    let written = 0;
    for (const [id, entry] of inStableOrder(owed, server.sockets.adapter.rooms.get(BATCH_ROOM))) {
      const socket = server.sockets.sockets.get(id);
      if (!socket?.connected) continue;
      written++;
      const tcp = directPath(socket);
      if (!tcp) {
        socket.conn.write(packetOf(entry));
        continue;
      }
      let frame = entry.own ? undefined : frames.get(entry.key);
      if (!frame) {
        frame = textFrame(`4${packetOf(entry)}`);
        if (!entry.own) frames.set(entry.key, frame);
      }
      tcp.write(frame);
    }
    const now = Date.now();
    for (const batch of rooms.values()) this.onFlushed(batch.items, now);
    this.nextFlushAt = started + Math.max(this.pacing.windowMs, (written / this.pacing.maxFramesPerSec) * 1000);
  }

  /** Walks each updated room's batch-mode members once: what every socket is owed. */
  private collect(server: Server, rooms: Map<string, RoomBatch>, caughtUp: Map<string, Map<string, number>>): Map<string, SocketParts> {
    const owed = new Map<string, SocketParts>();
    const adapterRooms = server.sockets.adapter.rooms;
    const batchMembers = adapterRooms.get(BATCH_ROOM);
    if (!batchMembers) return owed;
    let index = 0;
    for (const [room, batch] of rooms) {
      index++;
      const members = adapterRooms.get(room);
      if (!members) continue;
      const names = this.exclusions(room);
      const paused = adapterRooms.get(names.paused);
      const filters = filtersOf(batch.items, names, adapterRooms);
      const marks = caughtUp.get(room);
      const [small, large] = members.size <= batchMembers.size ? [members, batchMembers] : [batchMembers, members];
      for (const id of small) {
        if (!large.has(id) || paused?.has(id)) continue;
        const mark = marks?.get(id);
        const skipped = filters && filtersFor(id, filters);
        let segment: string | undefined;
        let count = batch.items.length;
        if (mark !== undefined || skipped) {
          const own = batch.items.filter((item) => (mark === undefined || item.seq > mark) && !skipped?.has(item.type));
          if (own.length === 0) continue;
          segment = own.map((item) => item.body).join(',');
          count = own.length;
        }
        let entry = owed.get(id);
        if (!entry) {
          entry = { parts: [], count: 0, key: '', own: false };
          owed.set(id, entry);
        }
        if (segment === undefined) {
          batch.segment ??= batch.items.map((item) => item.body).join(',');
          entry.parts.push(batch.segment);
          entry.key += `${index},`;
        } else {
          entry.parts.push(segment);
          entry.own = true;
        }
        entry.count += count;
      }
    }
    return owed;
  }
}

/** Socket.IO v5 EVENT packet in the default namespace: "2" + JSON array [name, ...args]. */
function packetOf(entry: SocketParts): string {
  return entry.count === 1 ? `2${entry.parts[0]}` : `2["batch",[${entry.parts.join(',')}]]`;
}

/**
 * The owed sockets in connection order when most sockets are owed something (a busy flush),
 * so that each socket's writes are about one flush period apart; as collected otherwise.
 */
function* inStableOrder(owed: Map<string, SocketParts>, batchMembers: Set<string> | undefined): Iterable<[string, SocketParts]> {
  if (!batchMembers || owed.size * 4 < batchMembers.size) {
    yield* owed;
    return;
  }
  for (const id of batchMembers) {
    const entry = owed.get(id);
    if (entry) yield [id, entry];
  }
}

/** The per-type filter rooms that have members, for the types present in a room's batch. */
function filtersOf(items: readonly BatchItem[], names: ExclusionRooms, rooms: Map<string, Set<string>>): Map<DEXEventType, Set<string>> | undefined {
  let filters: Map<DEXEventType, Set<string>> | undefined;
  for (const item of items) {
    if (filters?.has(item.type)) continue;
    const members = rooms.get(names.skipOf(item.type));
    if (members?.size) (filters ??= new Map()).set(item.type, members);
  }
  return filters;
}

function filtersFor(id: string, filters: Map<DEXEventType, Set<string>>): Set<DEXEventType> | undefined {
  let types: Set<DEXEventType> | undefined;
  for (const [type, members] of filters) if (members.has(id)) (types ??= new Set()).add(type);
  return types;
}
