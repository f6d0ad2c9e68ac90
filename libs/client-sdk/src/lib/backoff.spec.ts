import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { tokenExpiry } from './token-expiry';

describe('backoffDelay', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it('grows exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });

  it('takes the jitter off the top, so delays spread but never exceed the cap', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(2000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(20, DEFAULT_BACKOFF)));
    expect(spread.size).toBeGreaterThan(10);
    for (const delay of spread) expect(delay).toBeLessThanOrEqual(15000);
  });
});

describe('tokenExpiry', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('reads exp (seconds) as epoch ms, without verifying', () => {
    expect(tokenExpiry(jwt({ sub: 'u', exp: 1767225600 }))).toBe(1767225600000);
  });

  it('is undefined for anything else', () => {
    expect(tokenExpiry('opaque-token')).toBeUndefined();
    expect(tokenExpiry(jwt({ sub: 'u' }))).toBeUndefined();
    expect(tokenExpiry('a.!!!.b')).toBeUndefined();
  });
});
