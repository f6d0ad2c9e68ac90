import { z } from 'zod';
import { authBridgeEnvShape, refuseDevTokensInProduction } from '@moonx-farm/auth-bridge';
import { commonEnvShape, kafkaEnvShape, parseEnv, redisEnvShape, requireSecretInProduction, tokenEnvShape } from '@moonx-farm/server-core';

export const authBridgeAppEnvSchema = z
  .object({ ...commonEnvShape, ...tokenEnvShape, ...redisEnvShape, ...kafkaEnvShape, ...authBridgeEnvShape })
  .superRefine(requireSecretInProduction)
  .superRefine(refuseDevTokensInProduction)
  .superRefine((env, ctx) => {
    if (!env.REDIS_HOST && env.REDIS_CLUSTER_NODES.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_HOST'], message: 'is required (gateways reach the bridge and hear revocations through Redis)' });
    }
  });

export type AuthBridgeAppEnv = z.output<typeof authBridgeAppEnvSchema>;

export const loadAuthBridgeAppEnv = (env: NodeJS.ProcessEnv = process.env): AuthBridgeAppEnv => parseEnv(authBridgeAppEnvSchema, env);
