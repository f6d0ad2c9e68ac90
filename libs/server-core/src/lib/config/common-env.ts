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
};

/** Used only outside production, so the embedded default works without any setup. */
export const DEVELOPMENT_JWT_SECRET = 'moonx-farm-development-secret-do-not-use-in-production';

/** The HS256 settings, falling back to the development secret outside production only. */
export function tokenSettingsFrom(env: { NODE_ENV: string; JWT_SECRET?: string; JWT_ISSUER?: string; JWT_AUDIENCE?: string }) {
  if (!env.JWT_SECRET && env.NODE_ENV === 'production') throw new Error('JWT_SECRET is required in production');
  return { secret: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE };
}

/** A superRefine check: production needs JWT_SECRET. */
export function requireSecretInProduction(env: { NODE_ENV: string; JWT_SECRET?: string }, ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void }): void {
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
  }
}
