import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { CircuitBreaker, TOKEN_VERIFIER, type CircuitBreakerOptions } from '@moonx-farm/server-core';
import { BridgeTokenVerifier } from './bridge-token-verifier';

export interface AuthClientOptions {
  redis: { host: string; port: number; password?: string; db: number };
  breaker: CircuitBreakerOptions;
}

const AUTH_BRIDGE_CLIENT = Symbol('AUTH_BRIDGE_CLIENT');

/** Provides TOKEN_VERIFIER for a gateway replica: the auth bridge, reached over Redis. */
@Global()
@Module({})
export class AuthClientModule implements OnApplicationShutdown {
  constructor(@Inject(AUTH_BRIDGE_CLIENT) private readonly client: ClientProxy) {}

  static forRoot(options: AuthClientOptions): DynamicModule {
    return {
      module: AuthClientModule,
      providers: [
        {
          provide: AUTH_BRIDGE_CLIENT,
          useFactory: () =>
            ClientProxyFactory.create({
              transport: Transport.REDIS,
              options: { ...options.redis, retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 1000 },
            }),
        },
        {
          provide: TOKEN_VERIFIER,
          inject: [AUTH_BRIDGE_CLIENT],
          useFactory: (client: ClientProxy) => new BridgeTokenVerifier(client, new CircuitBreaker('auth-bridge', options.breaker)),
        },
      ],
      exports: [TOKEN_VERIFIER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
