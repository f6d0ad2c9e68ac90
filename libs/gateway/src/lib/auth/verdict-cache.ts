import { createHash } from 'node:crypto';
import type { TokenVerdict } from '@moonx-farm/server-core';

interface Entry {
  verdict: TokenVerdict;
  until: number;
  userId?: string;
}

/**
 * Remembers verdicts so reconnect storms do not become verification storms: a valid token
 * until it expires, a refused one briefly. Keyed by a hash, so tokens are never held.
 * Bounded: the oldest entries go first.
 */
export class VerdictCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 50_000,
    private readonly refusedForMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): TokenVerdict | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.verdict;
  }

  set(token: string, verdict: TokenVerdict): void {
    if (!verdict.ok && verdict.reason === 'unavailable') return;
    const until = verdict.ok ? verdict.token.expiresAt : this.now() + this.refusedForMs;
    this.entries.set(keyOf(token), { verdict, until, userId: verdict.ok ? verdict.token.userId : undefined });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Drops every cached acceptance of a user (after a revocation). */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.userId === userId) this.entries.delete(key);
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
