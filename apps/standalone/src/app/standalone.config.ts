import { z } from 'zod';
import { authBridgeEnvShape, refuseDevTokensInProduction } from '@moonx-farm/auth-bridge';
import { gatewayEnvShape } from '@moonx-farm/gateway';
import { ingestEnvShape } from '@moonx-farm/ingest';
import {
  boolVar,
  intVar,
  commonEnvShape,
  kafkaEnvShape,
  listVar,
  parseEnv,
  redisEnvShape,
  requireSecretInProduction,
  tokenEnvShape,
} from '@moonx-farm/server-core';

export const standaloneEnvSchema = z
  .object({
    ...commonEnvShape,
    ...redisEnvShape,
    ...kafkaEnvShape,
    ...gatewayEnvShape,
    ...ingestEnvShape,
    ...tokenEnvShape,
    DEV_TOKENS_ENABLED: authBridgeEnvShape.DEV_TOKENS_ENABLED,
    DEV_TOKEN_TTL_SEC: authBridgeEnvShape.DEV_TOKEN_TTL_SEC,
    REVOCATION_API_KEY: authBridgeEnvShape.REVOCATION_API_KEY,
    SIMULATOR_ENABLED: boolVar(true),
    SIMULATOR_SYMBOLS: listVar(['BTC-USDC', 'ETH-USDC', 'SOL-USDC']),
    SIMULATOR_INTERVAL_MS: intVar(500, 10, 60000),
    SIMULATOR_USER_IDS: listVar(['demo-user']),
  })
  .superRefine(requireSecretInProduction)
  .superRefine(refuseDevTokensInProduction);

export type StandaloneEnv = z.output<typeof standaloneEnvSchema>;

export function loadStandaloneEnv(env: NodeJS.ProcessEnv = process.env): StandaloneEnv {
  return parseEnv(standaloneEnvSchema, env);
}
