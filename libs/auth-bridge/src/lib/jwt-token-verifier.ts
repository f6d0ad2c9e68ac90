import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { RevocationBus, TokenVerdict, TokenVerifier } from '@moonx-farm/server-core';

export interface JwtVerifierSettings {
  /** HS256 shared secret (tokens signed by the auth service with it). */
  secret?: string;
  /** JWKS URL of the auth service (RS256 / ES256 tokens; keys cached and rotated). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  clockToleranceSec?: number;
}

const ASYMMETRIC = ['RS256', 'ES256'];

/**
 * Verifies the auth service's tokens (HS256 with a shared secret and/or RS256/ES256 from a
 * JWKS URL) and refuses tokens issued before the user's last revocation. The JWKS is cached
 * by jose; an unknown `kid` triggers a refetch (rate-limited), which is how rotation works.
 */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly secretKey: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly algorithms: string[];

  constructor(
    private readonly settings: JwtVerifierSettings,
    private readonly revocations?: RevocationBus,
  ) {
    this.secretKey = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
    this.jwks = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 }) : undefined;
    this.algorithms = [...(this.secretKey ? ['HS256'] : []), ...(this.jwks ? ASYMMETRIC : [])];
    if (this.algorithms.length === 0) throw new Error('token verification needs JWT_SECRET or JWKS_URL');
  }

  async verify(token: string): Promise<TokenVerdict> {
    if (!token) return { ok: false, reason: 'missing', message: 'no token' };
    let userId: string;
    let expiresAt: number;
    let issuedAt: number | undefined;
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters, input: FlattenedJWSInput) => this.keyFor(header, input), {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSec ?? 5,
        requiredClaims: ['sub', 'exp'],
      });
      userId = String(payload.sub);
      expiresAt = (payload.exp as number) * 1000;
      issuedAt = payload.iat === undefined ? undefined : payload.iat * 1000;
    } catch (error) {
      return verdictOf(error);
    }
    const revokedAt = await this.revocations?.revokedAt(userId);
    if (revokedAt !== undefined && (issuedAt === undefined || issuedAt <= revokedAt)) {
      return { ok: false, reason: 'revoked', message: 'token has been revoked' };
    }
    return { ok: true, token: { userId, expiresAt } };
  }

  private async keyFor(header: JWTHeaderParameters, input: FlattenedJWSInput) {
    if (header.alg === 'HS256' && this.secretKey) return this.secretKey;
    if (this.jwks && ASYMMETRIC.includes(header.alg)) return this.jwks(header, input);
    throw new errors.JOSEAlgNotAllowed(`algorithm ${header.alg} is not accepted`);
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
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return { ok: false, reason: 'invalid_signature', message: 'token signature is invalid' };
  }
  if (error instanceof errors.JWKSTimeout || (error instanceof Error && /fetch|ECONNREFUSED|JWKS/i.test(error.message) && !(error instanceof errors.JOSEError && error.code === 'ERR_JOSE_ALG_NOT_ALLOWED'))) {
    return { ok: false, reason: 'unavailable', message: 'the token keys could not be fetched' };
  }
  return { ok: false, reason: 'malformed', message: 'token is malformed or uses an algorithm that is not accepted' };
}
