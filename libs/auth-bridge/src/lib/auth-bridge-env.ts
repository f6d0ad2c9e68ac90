import { z } from 'zod';
import { intVar, optionalBoolVar, optionalText, portVar } from '@moonx-farm/server-core';

export const authBridgeEnvShape = {
  AUTH_BRIDGE_PORT: portVar(3010),
  /** Defaults to on outside production; refused in production. */
  DEV_TOKENS_ENABLED: optionalBoolVar(),
  DEV_TOKEN_TTL_SEC: intVar(3600, 10, 86400),
  REVOCATION_API_KEY: optionalText(),
  REVOCATION_TOPIC: z.string().min(1).default('auth.revocations'),
  AUTH_BRIDGE_GROUP_ID: z.string().min(1).default('auth-bridge'),
};

/** Development tokens: on by default outside production, never in production. */
export function devTokensEnabled(env: { NODE_ENV: string; DEV_TOKENS_ENABLED?: boolean }): boolean {
  return env.DEV_TOKENS_ENABLED ?? env.NODE_ENV !== 'production';
}

/** A superRefine check: development tokens must be off in production. */
export function refuseDevTokensInProduction(
  env: { NODE_ENV: string; DEV_TOKENS_ENABLED?: boolean },
  ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void },
): void {
  if (env.NODE_ENV === 'production' && env.DEV_TOKENS_ENABLED === true) {
    ctx.addIssue({ code: 'custom', path: ['DEV_TOKENS_ENABLED'], message: 'must be false in production' });
  }
}
