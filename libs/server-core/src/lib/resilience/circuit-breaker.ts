export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  openForMs: number;
  /** A call slower than this counts as a failure. */
  timeoutMs: number;
}

export class CircuitOpenError extends Error {
  constructor(dependency: string) {
    super(`${dependency} is unavailable (circuit open)`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * Fails fast while a dependency is down instead of making every caller wait for a timeout,
 * and lets one trial call through after `openForMs` to notice recovery on its own.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(
    readonly name: string,
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get currentState(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.openForMs) return 'half-open';
    return this.state;
  }

  /**
   * Runs `operation` unless the circuit is open. The signal aborts when the call times out, so
   * the operation can give up what it holds (a pending reply, a socket) instead of leaking it.
   */
  async call<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const state = this.currentState;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) throw new CircuitOpenError(this.name);
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    const controller = new AbortController();
    try {
      const result = await withTimeout(() => operation(controller.signal), this.options.timeoutMs, this.name, controller);
      this.state = 'closed';
      this.failures = 0;
      return result;
    } catch (error) {
      this.failures++;
      if (trial || this.failures >= this.options.failureThreshold) {
        this.state = 'open';
        this.openedAt = this.now();
      }
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }
}

async function withTimeout<T>(start: () => Promise<T>, timeoutMs: number, name: string, controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new Error(`${name} did not answer within ${timeoutMs} ms`);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
