import { z } from 'zod';
import { authBridgeEnvShape, refuseDevTokensInProduction } from '@moonx-farm/auth-bridge';
import { commonEnvShape, parseEnv, requireSecretInProduction, tokenEnvShape } from '@moonx-farm/server-core';

export const authBridgeAppEnvSchema = z
  .object({ ...commonEnvShape, ...tokenEnvShape, ...authBridgeEnvShape })
  .superRefine(requireSecretInProduction)
  .superRefine(refuseDevTokensInProduction);

export type AuthBridgeAppEnv = z.output<typeof authBridgeAppEnvSchema>;

export const loadAuthBridgeAppEnv = (env: NodeJS.ProcessEnv = process.env): AuthBridgeAppEnv => parseEnv(authBridgeAppEnvSchema, env);
