import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { AuthBridgeModule } from '@moonx-farm/auth-bridge';
import { metricsModule, tokenSettingsFrom } from '@moonx-farm/server-core';
import type { AuthBridgeAppEnv } from './auth-bridge.config';

@Controller()
class AuthBridgeHealthController {
  @Get('health')
  health() {
    return { status: 'healthy', timestamp: new Date().toISOString() };
  }
}

@Module({})
export class AuthBridgeAppModule {
  static forRoot(env: AuthBridgeAppEnv): DynamicModule {
    return {
      module: AuthBridgeAppModule,
      controllers: [AuthBridgeHealthController],
      imports: [
        metricsModule(),
        AuthBridgeModule.forRoot({ tokens: tokenSettingsFrom(env), devTokensEnabled: env.DEV_TOKENS_ENABLED, devTokenTtlSec: env.DEV_TOKEN_TTL_SEC }),
      ],
    };
  }
}
