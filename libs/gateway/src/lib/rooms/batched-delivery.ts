import type { Server, Socket } from 'socket.io';

/** Sockets that asked for batched delivery (`auth: { batch: true }`) sit in this internal room. */
export const BATCH_ROOM = '__batch';

/**
 * Batched delivery: every update a batch-mode socket gets within one turn of the event loop
 * goes out as ONE WebSocket frame, `batch [[event, payload], …]` (a lone update goes out as
 * its plain event). A kernel write per frame per socket is what limits fan-out, so packing
 * the updates of a burst into one frame multiplies what a replica can deliver, while adding
 * no timer latency: the flush runs right after the burst is dispatched.
 */
export class BatchedDelivery {
  private readonly pending = new Map<string, { socket: Socket; items: string[] }>();
  private scheduled = false;

  /** Queues an update for the room's batch-mode sockets; returns how many will get it. */
  enqueue(server: Server, room: string, eventName: string, payloadJson: string, excluded: readonly string[]): number {
    const adapter = server.sockets.adapter;
    const members = adapter.rooms.get(room);
    const batchMembers = adapter.rooms.get(BATCH_ROOM);
    if (!members || !batchMembers) return 0;
    const [small, large] = members.size <= batchMembers.size ? [members, batchMembers] : [batchMembers, members];
    const item = `[${JSON.stringify(eventName)},${payloadJson}]`;
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
      entry.items.push(item);
      queued++;
    }
    if (queued > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return queued;
  }

  flush(): void {
    this.scheduled = false;
    for (const { socket, items } of this.pending.values()) {
      if (!socket.connected) continue;
      // Socket.IO v5 EVENT packet in the default namespace: "2" + JSON array [name, ...args].
      socket.conn.write(items.length === 1 ? `2${items[0]}` : `2["batch",[${items.join(',')}]]`);
    }
    this.pending.clear();
  }
}
