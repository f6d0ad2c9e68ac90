import { Module, type DynamicModule } from '@nestjs/common';
import { AuthClientModule, GatewayModule, authBreakerOptionsFrom, gatewayOptionsFrom } from '@moonx-farm/gateway';
import { countConnectionError, metricsModule, redisSettingsFrom, type RedisSettings } from '@moonx-farm/server-core';
import { PortsModule } from '@moonx-farm/server-ports';
import type { GatewayAppEnv } from './gateway.config';

/**
 * A gateway replica: Socket.IO endpoint on Redis (snapshots, history, room channels), tokens
 * verified by the auth bridge over Redis.
 */
@Module({})
export class GatewayAppModule {
  static forRoot(env: GatewayAppEnv, version: string): DynamicModule {
    const redis = redisSettingsFrom(env) as RedisSettings;
    // The bridge's request/reply transport runs on plain pub/sub, which any one node carries.
    const bridgeNode = redis.clusterNodes[0] ?? { host: redis.host, port: redis.port };
    return {
      module: GatewayAppModule,
      imports: [
        metricsModule(),
        PortsModule.forRoot({
          redis,
          consumer: { groupId: 'gateway-unused', sessionTimeout: 10000, heartbeatInterval: 3000, maxWaitTimeInMs: 100, fromBeginning: false },
          limits: { historyLimit: 1000, dedupeWindow: 10000 },
          onRedisError: () => countConnectionError('redis_connection_errors'),
        }),
        AuthClientModule.forRoot({
          redis: { host: bridgeNode.host, port: bridgeNode.port, password: redis.password, db: redis.db },
          breaker: authBreakerOptionsFrom(env),
        }),
        GatewayModule.forRoot(gatewayOptionsFrom(env, version)),
      ],
    };
  }
}
