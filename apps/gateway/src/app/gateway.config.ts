import { z } from 'zod';
import { gatewayEnvShape } from '@moonx-farm/gateway';
import { commonEnvShape, parseEnv, redisEnvShape } from '@moonx-farm/server-core';

export const gatewayAppEnvSchema = z
  .object({ ...commonEnvShape, ...redisEnvShape, ...gatewayEnvShape })
  .superRefine((env, ctx) => {
    if (!env.REDIS_HOST && env.REDIS_CLUSTER_NODES.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_HOST'], message: 'is required (or REDIS_CLUSTER_NODES); for everything in one process use `npm start`' });
    }
  });

export type GatewayAppEnv = z.output<typeof gatewayAppEnvSchema>;

export const loadGatewayAppEnv = (env: NodeJS.ProcessEnv = process.env): GatewayAppEnv => parseEnv(gatewayAppEnvSchema, env);
