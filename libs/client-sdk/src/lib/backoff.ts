export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, ms. */
  maxDelayMs: number;
  /** Growth per attempt. */
  factor: number;
  /**
   * Share of each delay that is random, 0 to 1. With 0.5 a 4 s step becomes 2 to 4 s, so
   * thousands of clients dropped at once by a restarting server do not return in lockstep.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 15000, factor: 2, jitter: 0.5 };

/**
 * Delay before retry number `attempt` (0 for the first retry): exponential, capped, with
 * jitter taken off the top so the cap is never exceeded.
 *
 * @example
 * backoffDelay(3, DEFAULT_BACKOFF); // between 2000 and 4000
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponential = options.initialDelayMs * Math.pow(options.factor, Math.max(0, attempt));
  const capped = Math.min(options.maxDelayMs, exponential);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(capped * (1 - jitter * random()));
}
