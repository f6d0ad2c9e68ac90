import type { TokenVerdict } from '@moonx-farm/server-core';
import { VerdictCache } from './verdict-cache';

const accepted = (userId: string, expiresAt: number): TokenVerdict => ({ ok: true, token: { userId, expiresAt } });
const refused: TokenVerdict = { ok: false, reason: 'invalid_signature', message: 'token signature is invalid' };
const unavailable: TokenVerdict = { ok: false, reason: 'unavailable', message: 'down' };

describe('VerdictCache', () => {
  const clock = { now: 0 };
  const cacheOf = (maxEntries = 100) => new VerdictCache(maxEntries, 10_000, () => clock.now);
  beforeEach(() => (clock.now = 1_000_000));

  it('keeps an acceptance until the token expires', () => {
    const cache = cacheOf();
    cache.set('token-a', accepted('a', clock.now + 60_000));
    clock.now += 59_999;
    expect(cache.get('token-a')).toEqual(accepted('a', 1_060_000));
    clock.now += 1;
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('keeps a refusal briefly and never an "unavailable" (that is no verdict on the token)', () => {
    const cache = cacheOf();
    cache.set('bad', refused);
    cache.set('unknown', unavailable);
    expect(cache.get('bad')).toEqual(refused);
    expect(cache.get('unknown')).toBeUndefined();
    clock.now += 10_000;
    expect(cache.get('bad')).toBeUndefined();
  });

  it('forgets every acceptance of a revoked user, and only theirs', () => {
    const cache = cacheOf();
    cache.set('a-1', accepted('a', clock.now + 60_000));
    cache.set('a-2', accepted('a', clock.now + 60_000));
    cache.set('b-1', accepted('b', clock.now + 60_000));
    cache.forgetUser('a');
    expect(cache.get('a-1')).toBeUndefined();
    expect(cache.get('a-2')).toBeUndefined();
    expect(cache.get('b-1')).toBeDefined();
  });

  it('is bounded: the oldest entries go first', () => {
    const cache = cacheOf(3);
    for (const token of ['t1', 't2', 't3', 't4']) cache.set(token, accepted(token, clock.now + 60_000));
    expect(cache.get('t1')).toBeUndefined();
    expect(['t2', 't3', 't4'].map((token) => cache.get(token)?.ok)).toEqual([true, true, true]);
  });

  it('tells tokens apart by their whole content', () => {
    const cache = cacheOf();
    const token = 'header.payload.signature';
    cache.set(token, accepted('a', clock.now + 60_000));
    expect(cache.get(`${token}x`)).toBeUndefined();
    expect(cache.get(token.slice(0, -1))).toBeUndefined();
  });
});
