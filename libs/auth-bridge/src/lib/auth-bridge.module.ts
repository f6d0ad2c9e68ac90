import { Module, type DynamicModule } from '@nestjs/common';
import { AUTH_BRIDGE_OPTIONS, type AuthBridgeOptions } from './auth-bridge-options';
import { DevTokenController } from './dev-token.controller';

/** The auth bridge: token issuance for development (verification and revocation grow here). */
@Module({})
export class AuthBridgeModule {
  static forRoot(options: AuthBridgeOptions): DynamicModule {
    return {
      module: AuthBridgeModule,
      controllers: [DevTokenController],
      providers: [{ provide: AUTH_BRIDGE_OPTIONS, useValue: options }],
    };
  }
}
