import type { JwtVerifierSettings } from './jwt-token-verifier';

export interface AuthBridgeOptions {
  tokens: JwtVerifierSettings;
  /** Development only: POST /dev/tokens issues a token for any user id (needs tokens.secret). */
  devTokensEnabled: boolean;
  devTokenTtlSec: number;
  /** Bearer key the auth service presents to POST /revocations; unset = endpoint refused. */
  revocationApiKey?: string;
  /** Consume revocations from this Kafka topic (needs EVENT_SOURCE); unset = HTTP only. */
  revocationTopic?: string;
}

export const AUTH_BRIDGE_OPTIONS = Symbol('AUTH_BRIDGE_OPTIONS');
