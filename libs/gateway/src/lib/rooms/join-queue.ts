/**
 * Joins of one room by one connection, run one after the other.
 *
 * A trader's private rooms are joined on connect, and a client coming back from another
 * replica resumes the same rooms at once. Run side by side, whichever join finished first
 * decided what the connection had already been sent, and a fill could go out live before the
 * replay of earlier ones. Run in turn, each join starts from a settled state: the later one
 * finds the connection live in the room and starts it over (RoomJoinService.join).
 *
 * A join of a room with no other join of it under way starts at once, in the caller's turn.
 */
export class JoinQueue<S extends object> {
  /** Per connection, per room, the last join queued; entries go when their join is the last. */
  private readonly tails = new WeakMap<S, Map<string, Promise<void>>>();

  run(connection: S, room: string, join: () => Promise<void>): Promise<void> {
    let rooms = this.tails.get(connection);
    const previous = rooms?.get(room);
    // `settled` never rejects: a failed join does not stop the ones after it (each replies for itself).
    const running = previous ? previous.then(join) : join();
    const settled: Promise<void> = running.then(
      () => this.done(connection, room, settled),
      () => this.done(connection, room, settled),
    );
    if (!rooms) {
      rooms = new Map();
      this.tails.set(connection, rooms);
    }
    rooms.set(room, settled);
    return running;
  }

  private done(connection: S, room: string, settled: Promise<void>): void {
    const rooms = this.tails.get(connection);
    if (rooms?.get(room) !== settled) return;
    rooms.delete(room);
    if (rooms.size === 0) this.tails.delete(connection);
  }
}
