/**
 * What the gateway asks the auth bridge over Redis (NestJS microservice transport):
 * `send(AUTH_VERIFY_PATTERN, { token })` → TokenVerdict.
 */
export const AUTH_VERIFY_PATTERN = 'auth.verify';

export interface AuthVerifyRequest {
  token: string;
}

/** The Kafka topic the auth service may publish revocations to: `{"userId": "...", "revokedAt"?: ms}`. */
export const DEFAULT_REVOCATION_TOPIC = 'auth.revocations';
