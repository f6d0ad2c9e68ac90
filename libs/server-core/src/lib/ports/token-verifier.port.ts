/**
 * Verifies access tokens issued by the auth service. The gateway never parses tokens
 * itself; it asks a verifier (in process in the embedded default, the auth bridge otherwise).
 */
export interface VerifiedToken {
  userId: string;
  /** Expiry, epoch ms. */
  expiresAt: number;
  /** Issue time (`iat`), epoch ms, when the token has one: revocations void tokens issued until then. */
  issuedAt?: number;
}

export type TokenVerdict =
  | { ok: true; token: VerifiedToken }
  | { ok: false; reason: TokenRejection; message: string };

export type TokenRejection =
  | 'missing'
  | 'malformed'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'revoked'
  | 'unavailable';

export interface TokenVerifier {
  verify(token: string): Promise<TokenVerdict>;
}

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** Implemented by verifiers that cache: forget what was accepted for a user (after a revocation). */
export interface ForgetsUsers {
  forgetUser(userId: string): void;
}

export function forgetsUsers(verifier: TokenVerifier): verifier is TokenVerifier & ForgetsUsers {
  return typeof (verifier as Partial<ForgetsUsers>).forgetUser === 'function';
}
