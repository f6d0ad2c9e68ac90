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

  async call<T>(operation: () => Promise<T>): Promise<T> {
    const state = this.currentState;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) throw new CircuitOpenError(this.name);
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    try {
      const result = await withTimeout(operation(), this.options.timeoutMs, this.name);
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

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
