import { z } from 'zod';
import { logLevelVar, nodeEnvVar, optionalText } from './env-parsing';

/** Variables every app reads. */
export const commonEnvShape = {
  NODE_ENV: nodeEnvVar(),
  LOG_LEVEL: logLevelVar(),
};

/** Token verification settings shared by the services that verify tokens. */
export const tokenEnvShape = {
  JWT_SECRET: optionalText(),
  JWT_ISSUER: optionalText(),
  JWT_AUDIENCE: optionalText(),
  /** RS256/ES256 keys of the auth service; HS256 tokens use JWT_SECRET. */
  JWKS_URL: z.url({ error: 'must be a URL' }).optional(),
};

interface TokenEnv {
  NODE_ENV: string;
  JWT_SECRET?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWKS_URL?: string;
}

/** Used only outside production, so the embedded default works without any setup. */
export const DEVELOPMENT_JWT_SECRET = 'moonx-farm-development-secret-do-not-use-in-production';

/** Verification settings; outside production the development secret stands in for JWT_SECRET. */
export function tokenSettingsFrom(env: TokenEnv) {
  const secret = env.JWT_SECRET ?? (env.NODE_ENV === 'production' ? undefined : DEVELOPMENT_JWT_SECRET);
  return { secret, jwksUrl: env.JWKS_URL, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE };
}

/** A superRefine check: production needs real keys (JWT_SECRET or JWKS_URL). */
export function requireSecretInProduction(env: TokenEnv, ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void }): void {
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWKS_URL) {
    ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'JWT_SECRET or JWKS_URL is required in production' });
  }
}
