import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayModule, gatewayOptionsFrom } from '@moonx-farm/gateway';
import { countConnectionError, metricsModule, redisSettingsFrom, tokenSettingsFrom } from '@moonx-farm/server-core';
import { PortsModule } from '@moonx-farm/server-ports';
import type { GatewayAppEnv } from './gateway.config';

/** A gateway replica: Socket.IO endpoint on Redis (reads snapshots and history, subscribes to rooms). */
@Module({})
export class GatewayAppModule {
  static forRoot(env: GatewayAppEnv, version: string): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        metricsModule(),
        PortsModule.forRoot({
          redis: redisSettingsFrom(env),
          consumer: { groupId: 'unused', sessionTimeout: 10000, heartbeatInterval: 3000, maxWaitTimeInMs: 100, fromBeginning: false },
          limits: { historyLimit: 1000, dedupeWindow: 10000 },
          tokens: tokenSettingsFrom(env),
          onRedisError: () => countConnectionError('redis_connection_errors'),
        }),
        GatewayModule.forRoot(gatewayOptionsFrom(env, version)),
      ],
    };
  }
}
