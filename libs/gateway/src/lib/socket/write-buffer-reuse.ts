import type { Server } from 'socket.io';

/** The Engine.IO internals this reads (not in its type declarations). */
interface EngineSocketInternals {
  writeBuffer?: unknown[];
  transport?: { name?: string };
}

interface EngineServerEvents {
  on(event: 'flush', listener: (socket: EngineSocketInternals, buffer: unknown[]) => void): unknown;
  on(event: 'drain', listener: (socket: EngineSocketInternals) => void): unknown;
}

/**
 * Gives every Engine.IO connection back its own write buffer after each flush, emptied, instead
 * of the new array Engine.IO puts in its place.
 *
 * Why: the buffer lives from one flush to the next, 25 s apart on an idle connection (one ping
 * each), so V8 moves it to the old generation. At the next ping, the packet, its options and the
 * array's new backing store (all young) are written into that old array; Engine.IO then swaps in a
 * new array and the old one is garbage, but a young collection still treats what an old object
 * points to as alive. So every ping carried about 270 B per connection into the old generation,
 * about 0.9 MiB per young collection with 19,000 idle connections: the idle RSS climbed until a
 * full collection, a saw-tooth whose top was a third above its floor. Emptied and kept, the
 * buffer points at nothing young once the flush is over, and the array Engine.IO made dies young.
 *
 * Safe because a WebSocket transport has consumed the packets by the time `send` returns (it
 * encodes and hands each one to the WebSocket at once), and Engine.IO emits the server's `flush`
 * and `drain` around that `send`, nothing else between for another connection. The buffer is
 * only swapped back when Engine.IO's new one is still empty and the pair belongs to the same
 * connection; anything else is left as Engine.IO made it. Engine.IO internals, used defensively.
 */
export function reuseWriteBuffers(server: Server): void {
  const engine = server.engine as unknown as EngineServerEvents;
  // One flush at a time: two variables for the whole server, nothing kept per connection.
  let flushedSocket: EngineSocketInternals | undefined;
  let flushedBuffer: unknown[] | undefined;
  engine.on('flush', (socket, buffer) => {
    flushedSocket = socket;
    flushedBuffer = buffer;
  });
  engine.on('drain', (socket) => {
    const buffer = flushedBuffer;
    const sameFlush = flushedSocket === socket;
    flushedSocket = undefined;
    flushedBuffer = undefined;
    const current = socket.writeBuffer;
    if (!sameFlush || !Array.isArray(buffer) || !Array.isArray(current) || current === buffer || current.length > 0) return;
    if (socket.transport?.name !== 'websocket') return;
    buffer.length = 0;
    socket.writeBuffer = buffer;
  });
}
