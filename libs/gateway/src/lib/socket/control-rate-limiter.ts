const EPSILON = 1e-9;

/**
 * Token bucket for a socket's control messages (join/leave/subscribe/refresh). Market data
 * sent to clients is never limited; this only protects the replica from request floods.
 */
export class ControlRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token; returns 0 when allowed, else the ms to wait before the next one. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    // Refills are fractions: ten refills of 0.1 add up to 0.999…, which must still buy a request.
    if (this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000));
  }
}
