import { Controller, Get, HttpException, HttpStatus, Inject, Module, type DynamicModule } from '@nestjs/common';
import { AuthBridgeModule, devTokensEnabled } from '@moonx-farm/auth-bridge';
import {
  REVOCATION_BUS,
  countConnectionError,
  kafkaSettingsFrom,
  metricsModule,
  redisSettingsFrom,
  tokenSettingsFrom,
  type RevocationBus,
} from '@moonx-farm/server-core';
import { PortsModule } from '@moonx-farm/server-ports';
import type { AuthBridgeAppEnv } from './auth-bridge.config';

@Controller()
class AuthBridgeHealthController {
  constructor(@Inject(REVOCATION_BUS) private readonly revocations: RevocationBus) {}

  @Get('health')
  health() {
    return { status: 'healthy', timestamp: new Date().toISOString() };
  }

  /** Ready when Redis (revocations, the gateways' transport) answers. */
  @Get('ready')
  async ready() {
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
    const reachable = await Promise.race([this.revocations.revokedAt('readiness-probe').then(() => true, () => false), timeout]);
    if (!reachable) throw new HttpException({ status: 'not ready', checks: { redis: false } }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready', checks: { redis: true } };
  }
}

@Module({})
export class AuthBridgeAppModule {
  static forRoot(env: AuthBridgeAppEnv): DynamicModule {
    const kafka = kafkaSettingsFrom(env);
    return {
      module: AuthBridgeAppModule,
      controllers: [AuthBridgeHealthController],
      imports: [
        metricsModule(),
        PortsModule.forRoot({
          redis: redisSettingsFrom(env),
          kafka,
          consumer: { groupId: env.AUTH_BRIDGE_GROUP_ID, sessionTimeout: 10000, heartbeatInterval: 3000, maxWaitTimeInMs: 100, fromBeginning: false },
          limits: { historyLimit: 1000, dedupeWindow: 10000 },
          onRedisError: () => countConnectionError('redis_connection_errors'),
          onKafkaError: () => countConnectionError('kafka_connection_errors'),
        }),
        AuthBridgeModule.forRoot({
          tokens: tokenSettingsFrom(env),
          devTokensEnabled: devTokensEnabled(env),
          devTokenTtlSec: env.DEV_TOKEN_TTL_SEC,
          revocationApiKey: env.REVOCATION_API_KEY,
          revocationTopic: kafka ? env.REVOCATION_TOPIC : undefined,
        }),
      ],
    };
  }
}
