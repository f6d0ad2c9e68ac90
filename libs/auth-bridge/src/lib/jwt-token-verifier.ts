import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  type KeyLike,
} from 'jose';
import type { RevocationBus, TokenVerdict, TokenVerifier } from '@moonx-farm/server-core';

export interface JwtVerifierSettings {
  /** HS256 shared secret (tokens signed by the auth service with it). */
  secret?: string;
  /** JWKS URL of the auth service (RS256 / ES256 tokens; keys cached and rotated). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  clockToleranceSec?: number;
  /** Least time between two JWKS fetches triggered by unknown `kid`s (default 1000 ms). */
  jwksCooldownMs?: number;
}

const ASYMMETRIC = ['RS256', 'ES256'];
const DEFAULT_JWKS_COOLDOWN_MS = 1000;

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/** The auth service's key set could not be fetched or read: no verdict on the token is possible. */
class KeySetUnavailableError extends Error {}

/**
 * Verifies the auth service's tokens (HS256 with a shared secret and/or RS256/ES256 from a
 * JWKS URL) and refuses tokens issued before the user's last revocation. The JWKS is cached
 * by jose; a token whose `kid` is not in it triggers a refetch, which is how rotation works.
 */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly secretKey: Uint8Array | undefined;
  private readonly jwks: RemoteKeySet | undefined;
  private readonly algorithms: string[];
  private readonly cooldownMs: number;

  constructor(
    private readonly settings: JwtVerifierSettings,
    private readonly revocations?: RevocationBus,
  ) {
    this.cooldownMs = settings.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
    this.secretKey = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
    this.jwks = settings.jwksUrl
      ? createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: this.cooldownMs, cacheMaxAge: 600_000 })
      : undefined;
    this.algorithms = [...(this.secretKey ? ['HS256'] : []), ...(this.jwks ? ASYMMETRIC : [])];
    if (this.algorithms.length === 0) throw new Error('token verification needs JWT_SECRET or JWKS_URL');
  }

  async verify(token: string): Promise<TokenVerdict> {
    if (!token) return { ok: false, reason: 'missing', message: 'no token' };
    let payload: JWTPayload;
    try {
      payload = await this.verifiedClaims(token);
    } catch (error) {
      return verdictOf(error);
    }
    const userId = String(payload.sub);
    const expiresAt = (payload.exp as number) * 1000;
    const issuedAt = payload.iat === undefined ? undefined : payload.iat * 1000;
    const revokedAt = await this.revocations?.revokedAt(userId);
    // `iat` has one-second resolution: a token issued in the same second as the revocation is void too.
    if (revokedAt !== undefined && (issuedAt === undefined || issuedAt <= revokedAt)) {
      return { ok: false, reason: 'revoked', message: 'token has been revoked' };
    }
    return { ok: true, token: { userId, expiresAt, issuedAt } };
  }

  private async verifiedClaims(token: string): Promise<JWTPayload> {
    const options: JWTVerifyOptions = {
      algorithms: this.algorithms,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      clockTolerance: this.settings.clockToleranceSec ?? 5,
      requiredClaims: ['sub', 'exp'],
    };
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters, input: FlattenedJWSInput) => this.keyFor(header, input), options);
      return payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
      // Several keys fit (no `kid`, or a shared one): the token is good if one of them verifies it.
      for await (const key of error as errors.JWKSMultipleMatchingKeys & AsyncIterable<KeyLike>) {
        try {
          return (await jwtVerify(token, key, options)).payload;
        } catch (attempt) {
          if (!(attempt instanceof errors.JWSSignatureVerificationFailed)) throw attempt;
        }
      }
      throw new errors.JWSSignatureVerificationFailed();
    }
  }

  private async keyFor(header: JWTHeaderParameters, input: FlattenedJWSInput): Promise<KeyLike | Uint8Array> {
    if (header.alg === 'HS256' && this.secretKey) return this.secretKey;
    if (this.jwks && ASYMMETRIC.includes(header.alg)) return this.remoteKey(this.jwks, header, input);
    throw new errors.JOSEAlgNotAllowed(`algorithm ${header.alg} is not accepted`);
  }

  private async remoteKey(jwks: RemoteKeySet, header: JWTHeaderParameters, input: FlattenedJWSInput): Promise<KeyLike> {
    // jose refetches the set for an unknown kid only when its cooldown is over; otherwise it gives up.
    const coolingDown = jwks.coolingDown;
    try {
      return await jwks(header, input);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !coolingDown) throw asKeySetError(error);
    }
    // A key rotated in just after the last fetch: refused now, it would be refused until the
    // next fetch (and the gateway would cache that refusal). Fetch again as soon as allowed.
    const deadline = Date.now() + this.cooldownMs;
    while (jwks.coolingDown && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    try {
      return await jwks(header, input);
    } catch (error) {
      throw asKeySetError(error);
    }
  }
}

/** A missing key says the token is bad; any other failure to get keys says nothing about it. */
function asKeySetError(error: unknown): unknown {
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return error;
  return new KeySetUnavailableError(error instanceof Error ? error.message : String(error));
}

function verdictOf(error: unknown): TokenVerdict {
  if (error instanceof KeySetUnavailableError) return { ok: false, reason: 'unavailable', message: 'the token keys could not be fetched' };
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
  return { ok: false, reason: 'malformed', message: 'token is malformed or uses an algorithm that is not accepted' };
}
