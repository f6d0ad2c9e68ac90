import type { Socket } from 'socket.io';

/**
 * The sockets the slow-socket monitor has to look at: those a fan-out write left bytes queued
 * above the kernel for (a direct write the kernel did not take whole), or could not write
 * directly (Engine.IO or ws still held something of theirs). A socket's queue only grows when
 * something is written to it, and every fan-out write that leaves or finds a queue lands here,
 * so the monitor's sweep costs what the backlog is, not what the replica holds: checking every
 * socket ten times a second came to about 0.5 µs a socket, 10 % of a core at 19,000 sockets and
 * more at production's 50,000, whenever any update flowed. A join notes its socket too (its
 * snapshot and replay can be large); other replies are small, and the next write notes it.
 */
export class BacklogWatch {
  private readonly sockets = new Set<Socket>();

  /** A write left bytes queued for this socket, or found some. */
  note(socket: Socket): void {
    this.sockets.add(socket);
  }

  /** Called by the monitor once a socket is below the low-water mark and not paused, or gone. */
  settle(socket: Socket): void {
    this.sockets.delete(socket);
  }

  get size(): number {
    return this.sockets.size;
  }

  /** The noted sockets; settling one while iterating is safe (a Set skips what was deleted). */
  [Symbol.iterator](): IterableIterator<Socket> {
    return this.sockets.values();
  }
}
