import { BadRequestException, Body, Controller, ForbiddenException, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { USER_ID_PATTERN } from '@moonx-farm/events';
import { REVOCATION_BUS, type RevocationBus } from '@moonx-farm/server-core';
import { AUTH_BRIDGE_OPTIONS, type AuthBridgeOptions } from './auth-bridge-options';

/**
 * POST /revocations {userId, revokedAt?} with `Authorization: Bearer <REVOCATION_API_KEY>`:
 * voids the user's tokens issued until now and drops their sockets on every gateway.
 */
@Controller('revocations')
export class RevocationController {
  constructor(
    @Inject(AUTH_BRIDGE_OPTIONS) private readonly options: AuthBridgeOptions,
    @Inject(REVOCATION_BUS) private readonly revocations: RevocationBus,
  ) {}

  @Post()
  @HttpCode(202)
  async revoke(@Body() body: unknown, @Headers('authorization') authorization?: string) {
    if (!this.options.revocationApiKey || !matches(authorization, `Bearer ${this.options.revocationApiKey}`)) {
      throw new ForbiddenException('a valid revocation key is required');
    }
    const revocation = parseRevocationRequest(body);
    if (!revocation) throw new BadRequestException('body must be {"userId": "<user id>", "revokedAt"?: <epoch ms>}');
    await this.revocations.revoke(revocation);
    return { revoked: revocation.userId, revokedAt: revocation.revokedAt };
  }
}

export function parseRevocationRequest(body: unknown, now = Date.now()): { userId: string; revokedAt: number } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { userId, revokedAt } = body as { userId?: unknown; revokedAt?: unknown };
  if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) return undefined;
  if (revokedAt !== undefined && (typeof revokedAt !== 'number' || !Number.isFinite(revokedAt) || revokedAt <= 0)) return undefined;
  return { userId, revokedAt: typeof revokedAt === 'number' ? revokedAt : now };
}

function matches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
