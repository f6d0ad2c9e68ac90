import type { Server, Socket } from 'socket.io';
import { directPath, textFrame } from './room-frame-writer';

/** Sockets that asked for batched delivery (`auth: { batch: true }`) sit in this internal room. */
export const BATCH_ROOM = '__batch';

/**
 * Batched delivery: the updates a batch-mode socket is owed go out as ONE WebSocket frame,
 * `batch [[event, payload], …]` (a lone update goes out as its plain event). A kernel write per
 * frame per socket is what limits fan-out, so packing updates into one frame multiplies what a
 * replica can deliver. Flushes are at most one per `windowMs`: when traffic is light the flush
 * runs right after the burst (no added latency); under load, updates gather for up to the window.
 */
export class BatchedDelivery {
  private readonly pending = new Map<string, { socket: Socket; items: string[] }>();
  private scheduled = false;
  private lastFlush = 0;

  constructor(private readonly windowMs = 0) {}

  /**
   * Queues an update (`packetBody`: the event as `["name",payload]`) for the room's
   * batch-mode sockets; returns how many will get it.
   */
  enqueue(server: Server, room: string, packetBody: string, excluded: readonly string[]): number {
    const adapter = server.sockets.adapter;
    const members = adapter.rooms.get(room);
    const batchMembers = adapter.rooms.get(BATCH_ROOM);
    if (!members || !batchMembers) return 0;
    const [small, large] = members.size <= batchMembers.size ? [members, batchMembers] : [batchMembers, members];
    let queued = 0;
    for (const id of small) {
      if (!large.has(id)) continue;
      const joined = adapter.sids.get(id);
      if (joined && excluded.some((name) => joined.has(name))) continue;
      let entry = this.pending.get(id);
      if (!entry) {
        const socket = server.sockets.sockets.get(id);
        if (!socket) continue;
        entry = { socket, items: [] };
        this.pending.set(id, entry);
      }
      entry.items.push(packetBody);
      queued++;
    }
    if (queued > 0 && !this.scheduled) {
      this.scheduled = true;
      const wait = this.lastFlush + this.windowMs - Date.now();
      if (wait > 0) setTimeout(() => this.flush(), wait);
      else setImmediate(() => this.flush());
    }
    return queued;
  }

  flush(): void {
    this.scheduled = false;
    this.lastFlush = Date.now();
    // A lone update is the same frame for every socket that gets it: framed once per flush.
    const lone = new Map<string, Buffer>();
    for (const { socket, items } of this.pending.values()) {
      if (!socket.connected) continue;
      // Socket.IO v5 EVENT packet in the default namespace: "2" + JSON array [name, ...args].
      const packet = items.length === 1 ? `2${items[0]}` : `2["batch",[${items.join(',')}]]`;
      const tcp = directPath(socket);
      if (!tcp) {
        socket.conn.write(packet);
        continue;
      }
      let frame = items.length === 1 ? lone.get(items[0]) : undefined;
      if (!frame) {
        frame = textFrame(`4${packet}`);
        if (items.length === 1) lone.set(items[0], frame);
      }
      tcp.write(frame);
    }
    this.pending.clear();
  }
}
