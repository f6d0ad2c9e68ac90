import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type GatewayErrorBody } from '@moonx-farm/events';
import { TOKEN_VERIFIER, type TokenVerifier } from '@moonx-farm/server-core';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';

export type HandshakeVerdict =
  | { ok: true; userId?: string; tokenExpiresAt?: number }
  | { ok: false; error: GatewayErrorBody };

/**
 * Decides at the handshake whether a socket may connect. The token comes only from
 * `auth.token` (never the query string, which ends up in proxy logs).
 */
@Injectable()
export class ConnectionGuard {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async check(auth: unknown): Promise<HandshakeVerdict> {
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    if (token === undefined || token === null || token === '') {
      return this.options.allowAnonymous
        ? { ok: true }
        : { ok: false, error: { code: ErrorCode.UNAUTHORIZED, message: 'a token is required in auth.token' } };
    }
    if (typeof token !== 'string' || token.length > 8192) {
      return { ok: false, error: { code: ErrorCode.UNAUTHORIZED, message: 'auth.token must be a string' } };
    }
    const verdict = await this.verifier.verify(token);
    if (verdict.ok) return { ok: true, userId: verdict.token.userId, tokenExpiresAt: verdict.token.expiresAt };
    const code = verdict.reason === 'unavailable' ? ErrorCode.AUTH_UNAVAILABLE : ErrorCode.UNAUTHORIZED;
    return { ok: false, error: { code, message: verdict.message } };
  }
}
