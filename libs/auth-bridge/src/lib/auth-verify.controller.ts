import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_VERIFY_PATTERN, type TokenVerdict } from '@moonx-farm/server-core';
import { TokenVerificationService } from './token-verification.service';

/** Answers the gateways' verification requests arriving over the Redis transport. */
@Controller()
export class AuthVerifyController {
  constructor(private readonly verification: TokenVerificationService) {}

  @MessagePattern(AUTH_VERIFY_PATTERN)
  verify(@Payload() request: unknown): Promise<TokenVerdict> | TokenVerdict {
    const token = typeof request === 'object' && request !== null ? (request as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      return { ok: false, reason: 'malformed', message: 'token must be a non-empty string' };
    }
    return this.verification.verify(token);
  }
}
