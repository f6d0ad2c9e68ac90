import { Module, type DynamicModule } from '@nestjs/common';
import { TOKEN_VERIFIER } from '@moonx-farm/server-core';
import { AUTH_BRIDGE_OPTIONS, type AuthBridgeOptions } from './auth-bridge-options';
import { AuthVerifyController } from './auth-verify.controller';
import { DevTokenController } from './dev-token.controller';
import { RevocationConsumerService } from './revocation-consumer.service';
import { RevocationController } from './revocation.controller';
import { TokenVerificationService } from './token-verification.service';

/**
 * The auth bridge: verifies tokens (for gateways over Redis, or in process as TOKEN_VERIFIER),
 * records revocations (HTTP and Kafka) and issues development tokens. Needs REVOCATION_BUS
 * (and EVENT_SOURCE for the Kafka topic) from a global module of the app.
 */
@Module({})
export class AuthBridgeModule {
  static forRoot(options: AuthBridgeOptions): DynamicModule {
    return {
      module: AuthBridgeModule,
      global: true,
      controllers: [DevTokenController, RevocationController, AuthVerifyController],
      providers: [
        { provide: AUTH_BRIDGE_OPTIONS, useValue: options },
        TokenVerificationService,
        { provide: TOKEN_VERIFIER, useExisting: TokenVerificationService },
        RevocationConsumerService,
      ],
      exports: [TOKEN_VERIFIER, TokenVerificationService],
    };
  }
}
