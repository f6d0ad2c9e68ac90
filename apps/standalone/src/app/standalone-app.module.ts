import { Module, type DynamicModule } from '@nestjs/common';
import { AuthBridgeModule, devTokensEnabled } from '@moonx-farm/auth-bridge';
import { GatewayModule, gatewayOptionsFrom } from '@moonx-farm/gateway';
import { IngestModule, consumerSettingsFrom, ingestOptionsFrom, storeLimitsFrom } from '@moonx-farm/ingest';
import { countConnectionError, kafkaSettingsFrom, metricsModule, redisSettingsFrom, tokenSettingsFrom } from '@moonx-farm/server-core';
import { PortsModule } from '@moonx-farm/server-ports';
import { MarketSimulatorService, SIMULATOR_SETTINGS } from '../simulator/market-simulator.service';
import type { StandaloneEnv } from './standalone.config';

/**
 * The embedded default: gateway, ingest and (with the token verifier in process) the auth
 * side in one process, on in-memory ports unless REDIS_HOST / KAFKA_BROKERS name real ones.
 */
@Module({})
export class StandaloneAppModule {
  static forRoot(env: StandaloneEnv, version: string): DynamicModule {
    const redis = redisSettingsFrom(env);
    const kafka = kafkaSettingsFrom(env);
    return {
      module: StandaloneAppModule,
      imports: [
        metricsModule(),
        PortsModule.forRoot({
          redis,
          kafka,
          consumer: consumerSettingsFrom(env),
          limits: storeLimitsFrom(env),
          onRedisError: () => countConnectionError('redis_connection_errors'),
          onKafkaError: () => countConnectionError('kafka_connection_errors'),
        }),
        GatewayModule.forRoot(gatewayOptionsFrom(env, version)),
        IngestModule.forRoot(ingestOptionsFrom(env)),
        AuthBridgeModule.forRoot({
          tokens: tokenSettingsFrom(env),
          devTokensEnabled: devTokensEnabled(env),
          devTokenTtlSec: env.DEV_TOKEN_TTL_SEC,
          revocationApiKey: env.REVOCATION_API_KEY,
        }),
      ],
      providers: env.SIMULATOR_ENABLED
        ? [
            { provide: SIMULATOR_SETTINGS, useValue: { symbols: env.SIMULATOR_SYMBOLS, intervalMs: env.SIMULATOR_INTERVAL_MS, userIds: env.SIMULATOR_USER_IDS } },
            MarketSimulatorService,
          ]
        : [],
    };
  }
}
