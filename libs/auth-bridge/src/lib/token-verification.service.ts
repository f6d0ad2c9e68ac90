import { Inject, Injectable } from '@nestjs/common';
import { REVOCATION_BUS, type RevocationBus, type TokenVerdict, type TokenVerifier } from '@moonx-farm/server-core';
import { AUTH_BRIDGE_OPTIONS, type AuthBridgeOptions } from './auth-bridge-options';
import { JwtTokenVerifier } from './jwt-token-verifier';

/** The bridge's verifier: JWT checks plus revocations. Also the in-process TOKEN_VERIFIER of the embedded default. */
@Injectable()
export class TokenVerificationService implements TokenVerifier {
  private readonly verifier: JwtTokenVerifier;

  constructor(@Inject(AUTH_BRIDGE_OPTIONS) options: AuthBridgeOptions, @Inject(REVOCATION_BUS) revocations: RevocationBus) {
    this.verifier = new JwtTokenVerifier(options.tokens, revocations);
  }

  verify(token: string): Promise<TokenVerdict> {
    return this.verifier.verify(token);
  }
}
