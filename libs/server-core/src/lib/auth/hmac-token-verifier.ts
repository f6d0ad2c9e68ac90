import { errors, jwtVerify, SignJWT } from 'jose';
import type { TokenVerdict, TokenVerifier } from '../ports/token-verifier.port';

export interface HmacTokenSettings {
  secret: string;
  issuer?: string;
  audience?: string;
  /** Accepted clock difference, seconds. */
  clockToleranceSec?: number;
}

/** Shared-secret (HS256) JWT verification with jose. The token's `sub` is the user id. */
export class HmacTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array;

  constructor(private readonly settings: HmacTokenSettings) {
    this.key = new TextEncoder().encode(settings.secret);
  }

  async verify(token: string): Promise<TokenVerdict> {
    if (!token) return { ok: false, reason: 'missing', message: 'no token' };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSec ?? 5,
        requiredClaims: ['sub', 'exp'],
      });
      return { ok: true, token: { userId: String(payload.sub), expiresAt: (payload.exp as number) * 1000 } };
    } catch (error) {
      return verdictOf(error);
    }
  }
}

function verdictOf(error: unknown): TokenVerdict {
  if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', message: 'token has expired' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return { ok: false, reason: 'not_yet_valid', message: 'token is not valid yet' };
    if (error.claim === 'aud') return { ok: false, reason: 'wrong_audience', message: 'token is for another audience' };
    if (error.claim === 'iss') return { ok: false, reason: 'wrong_issuer', message: 'token is from another issuer' };
    return { ok: false, reason: 'malformed', message: `token claim "${error.claim}" is invalid` };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { ok: false, reason: 'invalid_signature', message: 'token signature is invalid' };
  }
  return { ok: false, reason: 'malformed', message: 'token is malformed' };
}

/** Issues an HS256 token (development and tests only). */
export async function issueHmacToken(
  settings: HmacTokenSettings,
  userId: string,
  options: { expiresInSec?: number; notBeforeSec?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSec ?? 3600));
  if (options.notBeforeSec !== undefined) jwt = jwt.setNotBefore(now + options.notBeforeSec);
  if (settings.issuer) jwt = jwt.setIssuer(settings.issuer);
  if (settings.audience) jwt = jwt.setAudience(settings.audience);
  return jwt.sign(new TextEncoder().encode(settings.secret));
}
