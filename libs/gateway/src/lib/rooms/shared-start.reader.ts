/**
 * One read for the joins of a room that ask for the same thing before it is sent.
 *
 * A join subscribes (and starts holding the room's live events) before it reads the room's
 * starting point, so that no event falls between the two. A read that is already on its way
 * to the store may have been answered before a later joiner started holding events, so that
 * joiner may not share it. A read that is not yet sent may be shared by every join that asks
 * before it goes: each of them is holding events from before the read.
 *
 * So the read of a room is sent once this turn of the event loop is over (`setImmediate`),
 * and every join of that room in the same turn shares it. In a burst of connects (each one
 * joins `system:alerts`) or a reconnect storm after a replica restart, thousands of joins of
 * one room become one read per turn instead of one each. Measured with 19,000 connects: the
 * per-join reads' command objects were about 2.7 KiB per connection of old-generation garbage
 * (BENCHMARKS.md, scenario 4). A join waits at most the rest of the current turn for it.
 */
export class SharedStartReader<T> {
  private readonly unsent = new Map<string, Promise<T>>();

  constructor(private readonly read: (room: string) => Promise<T>) {}

  /** The room's starting point, read after this call (never a read sent before it). */
  startOf(room: string): Promise<T> {
    const waiting = this.unsent.get(room);
    if (waiting) return waiting;
    const reading = new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        // Sent now: a join from here on needs a read of its own.
        this.unsent.delete(room);
        try {
          this.read(room).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
    });
    this.unsent.set(room, reading);
    return reading;
  }
}
