/**
 * Verifies access tokens issued by the auth service. The gateway never parses tokens
 * itself; it asks a verifier (in process in the embedded default, the auth bridge otherwise).
 */
export interface VerifiedToken {
  userId: string;
  /** Expiry, epoch ms. */
  expiresAt: number;
}

export type TokenVerdict =
  | { ok: true; token: VerifiedToken }
  | { ok: false; reason: 'missing' | 'malformed' | 'invalid_signature' | 'expired' | 'not_yet_valid' | 'wrong_audience' | 'wrong_issuer' | 'unavailable'; message: string };

export interface TokenVerifier {
  verify(token: string): Promise<TokenVerdict>;
}

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
