/** A join's waits did not end within the join timeout. */
export class JoinTimeoutError extends Error {
  override readonly name = 'JoinTimeoutError';
}

/**
 * One join's time limit. The gateway's Redis client waits for a Redis that stopped answering
 * without end (it must: the feed and the store reconnect on their own), so without a limit a
 * join during such an outage was never answered, and the joins of the same room the connection
 * sent after it waited behind it (join-queue.ts). With one, the client hears within
 * `timeoutMs` (its SDK retries with backoff), and the waits of the join (its queue turn, the
 * symbol check, the subscription, the store read) end with `JoinTimeoutError` so that it undoes
 * what it started instead of joining after its answer was sent.
 */
export class JoinDeadline {
  private readonly timer: NodeJS.Timeout;
  private readonly passed: Promise<never>;
  private fail: (error: JoinTimeoutError) => void = () => undefined;
  private over = false;

  constructor(
    timeoutMs: number,
    what: string,
    /** Called once, when the time is up (to answer the client at once). */
    onExpired: (error: JoinTimeoutError) => void,
  ) {
    this.passed = new Promise<never>((_resolve, reject) => (this.fail = reject));
    // Nothing may await it at the moment it fails: that is not an unhandled rejection.
    this.passed.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.over = true;
      const error = new JoinTimeoutError(`${what}: no answer from the room store within ${timeoutMs} ms`);
      this.fail(error);
      onExpired(error);
    }, timeoutMs);
  }

  get expired(): boolean {
    return this.over;
  }

  /** `work`, or JoinTimeoutError once the time is up; a late failure of `work` is then ignored. */
  within<T>(work: Promise<T>): Promise<T> {
    if (this.over) {
      work.catch(() => undefined);
      return this.passed;
    }
    return Promise.race([work, this.passed]);
  }

  /** The join ended: no answer is due from the deadline any more. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
