import { Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, fromEvent, takeUntil } from 'rxjs';
import {
  AUTH_VERIFY_PATTERN,
  CircuitBreaker,
  CircuitOpenError,
  type AuthVerifyRequest,
  type TokenVerdict,
  type TokenVerifier,
} from '@moonx-farm/server-core';
import { VerdictCache } from './verdict-cache';

/** Longer than any verification can take (the breaker's timeout is at most 60 s). */
const REVOCATION_MEMORY_MS = 120_000;

/**
 * The gateway's TokenVerifier: asks the auth bridge over Redis, behind a circuit breaker
 * (connects fail fast with AUTH_UNAVAILABLE while the bridge is down, and recover on their
 * own), with verdicts cached until the token expires.
 */
export class BridgeTokenVerifier implements TokenVerifier {
  private readonly logger = new Logger('AuthBridgeClient');
  readonly cache = new VerdictCache();
  /** When each user was last revoked here, oldest first; kept as long as a request can take. */
  private readonly revokedAt = new Map<string, number>();

  constructor(
    private readonly client: ClientProxy,
    readonly breaker: CircuitBreaker,
  ) {}

  forgetUser(userId: string): void {
    this.cache.forgetUser(userId);
    const now = Date.now();
    this.revokedAt.delete(userId);
    this.revokedAt.set(userId, now);
    for (const [user, at] of this.revokedAt) {
      if (at > now - REVOCATION_MEMORY_MS) break;
      this.revokedAt.delete(user);
    }
  }

  async verify(token: string, retried = false): Promise<TokenVerdict> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const startedAt = Date.now();
    try {
      const verdict = await this.breaker.call((signal) => this.ask(token, signal));
      // Revoked while the question was on its way: the bridge may have answered from before the
      // revocation, and caching that would let the revoked token back in. Ask again.
      if (verdict.ok && !retried && (this.revokedAt.get(verdict.token.userId) ?? -1) >= startedAt) return this.verify(token, true);
      this.cache.set(token, verdict);
      return verdict;
    } catch (error) {
      // While the circuit is open every connect fails here: the failures that opened it were logged.
      if (!(error instanceof CircuitOpenError)) this.logger.warn(`token verification unavailable: ${(error as Error).message}`);
      return { ok: false, reason: 'unavailable', message: 'authentication is temporarily unavailable, retry shortly' };
    }
  }

  private ask(token: string, signal: AbortSignal): Promise<TokenVerdict> {
    const request: AuthVerifyRequest = { token };
    // Unsubscribing on timeout removes the pending reply from the client's routing map: a
    // request the bridge never answers (it is down) would otherwise stay there for good.
    const reply = this.client.send<TokenVerdict, AuthVerifyRequest>(AUTH_VERIFY_PATTERN, request).pipe(takeUntil(fromEvent(signal, 'abort')));
    return firstValueFrom(reply);
  }
}
