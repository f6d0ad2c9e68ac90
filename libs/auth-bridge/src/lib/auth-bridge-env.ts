import { boolVar, intVar, portVar } from '@moonx-farm/server-core';

export const authBridgeEnvShape = {
  AUTH_BRIDGE_PORT: portVar(3010),
  DEV_TOKENS_ENABLED: boolVar(true),
  DEV_TOKEN_TTL_SEC: intVar(3600, 10, 86400),
};

/** A superRefine check: development tokens must be off in production. */
export function refuseDevTokensInProduction(
  env: { NODE_ENV: string; DEV_TOKENS_ENABLED: boolean },
  ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void },
): void {
  if (env.NODE_ENV === 'production' && env.DEV_TOKENS_ENABLED) {
    ctx.addIssue({ code: 'custom', path: ['DEV_TOKENS_ENABLED'], message: 'must be false in production' });
  }
}
