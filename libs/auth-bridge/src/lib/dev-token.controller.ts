import { BadRequestException, Body, Controller, ForbiddenException, HttpCode, Inject, Post } from '@nestjs/common';
import { USER_ID_PATTERN } from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import { AUTH_BRIDGE_OPTIONS, type AuthBridgeOptions } from './auth-bridge-options';

/**
 * Issues tokens for any user id so the embedded default can show private rooms. Refused
 * unless enabled; the configuration refuses to enable it in production.
 */
@Controller('dev')
export class DevTokenController {
  constructor(@Inject(AUTH_BRIDGE_OPTIONS) private readonly options: AuthBridgeOptions) {}

  @Post('tokens')
  @HttpCode(201)
  async issue(@Body() body: unknown) {
    const secret = this.options.tokens.secret;
    if (!this.options.devTokensEnabled || !secret) throw new ForbiddenException('development tokens are disabled');
    const userId = typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined;
    if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
      throw new BadRequestException('body must be {"userId": "<1-128 characters of [A-Za-z0-9_.:@-]>"}');
    }
    const { issuer, audience } = this.options.tokens;
    const token = await issueHmacToken({ secret, issuer, audience }, userId, { expiresInSec: this.options.devTokenTtlSec });
    return { token, userId, expiresInSec: this.options.devTokenTtlSec };
  }
}
