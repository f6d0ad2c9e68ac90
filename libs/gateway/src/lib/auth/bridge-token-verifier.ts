import { Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import {
  AUTH_VERIFY_PATTERN,
  CircuitBreaker,
  type AuthVerifyRequest,
  type TokenVerdict,
  type TokenVerifier,
} from '@moonx-farm/server-core';
import { VerdictCache } from './verdict-cache';

/**
 * The gateway's TokenVerifier: asks the auth bridge over Redis, behind a circuit breaker
 * (connects fail fast with AUTH_UNAVAILABLE while the bridge is down, and recover on their
 * own), with verdicts cached until the token expires.
 */
export class BridgeTokenVerifier implements TokenVerifier {
  private readonly logger = new Logger('AuthBridgeClient');
  readonly cache = new VerdictCache();

  constructor(
    private readonly client: ClientProxy,
    readonly breaker: CircuitBreaker,
  ) {}

  forgetUser(userId: string): void {
    this.cache.forgetUser(userId);
  }

  async verify(token: string): Promise<TokenVerdict> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    try {
      const request: AuthVerifyRequest = { token };
      const verdict = await this.breaker.call(() => firstValueFrom(this.client.send<TokenVerdict, AuthVerifyRequest>(AUTH_VERIFY_PATTERN, request)));
      this.cache.set(token, verdict);
      return verdict;
    } catch (error) {
      this.logger.warn(`token verification unavailable: ${(error as Error).message}`);
      return { ok: false, reason: 'unavailable', message: 'authentication is temporarily unavailable, retry shortly' };
    }
  }
}
