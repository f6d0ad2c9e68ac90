import { z } from 'zod';
import { ingestEnvShape } from '@moonx-farm/ingest';
import { commonEnvShape, kafkaEnvShape, parseEnv, redisEnvShape } from '@moonx-farm/server-core';

export const ingestAppEnvSchema = z
  .object({ ...commonEnvShape, ...redisEnvShape, ...kafkaEnvShape, ...ingestEnvShape })
  .superRefine((env, ctx) => {
    if (!env.REDIS_HOST && env.REDIS_CLUSTER_NODES.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_HOST'], message: 'is required (or REDIS_CLUSTER_NODES); for everything in one process use `npm start`' });
    }
    if (env.KAFKA_BROKERS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'is required; for everything in one process use `npm start`' });
    }
  });

export type IngestAppEnv = z.output<typeof ingestAppEnvSchema>;

export const loadIngestAppEnv = (env: NodeJS.ProcessEnv = process.env): IngestAppEnv => parseEnv(ingestAppEnvSchema, env);
