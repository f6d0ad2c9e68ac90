import { Inject, Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { ErrorCode, type GatewayErrorBody } from '@moonx-farm/events';
import { TOKEN_VERIFIER, type TokenVerifier } from '@moonx-farm/server-core';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import { clientAddress } from './client-address';
import { ConnectionRegistry } from './connection-registry';
import { DrainState } from './drain-state';
import { SocketLifecycleService } from './socket-lifecycle.service';

export type HandshakeVerdict =
  | { ok: true; userId?: string; tokenExpiresAt?: number; tokenIssuedAt?: number; ip: string }
  | { ok: false; error: GatewayErrorBody };

/**
 * Decides at the handshake whether a socket may connect: capacity, per-IP cap, draining,
 * then the token. The token comes only from `auth.token` (never the query string, which
 * ends up in proxy logs). A successful check reserves the socket's place in the registry.
 */
@Injectable()
export class ConnectionGuard {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly registry: ConnectionRegistry,
    private readonly drain: DrainState,
    private readonly lifecycle: SocketLifecycleService,
  ) {}

  async check(socket: Pick<Socket, 'handshake'>): Promise<HandshakeVerdict> {
    if (this.drain.draining) return refuse(ErrorCode.SERVER_BUSY, 'this replica is shutting down, connect again', this.options.reconnectInMs);
    if (this.registry.total >= this.options.maxConnections) {
      return refuse(ErrorCode.SERVER_BUSY, `this replica is at its capacity of ${this.options.maxConnections} connections`, 1000);
    }
    const ip = clientAddress(socket.handshake.headers['x-forwarded-for'], socket.handshake.address, this.options.trustedProxies);
    if (this.registry.connectionsFrom(ip) >= this.options.maxConnectionsPerIp) {
      return refuse(ErrorCode.SERVER_BUSY, `too many connections from this address (at most ${this.options.maxConnectionsPerIp})`, 5000);
    }
    this.registry.reserve(ip);
    const verdict = await this.authenticate(socket.handshake.auth).catch(
      (): HandshakeVerdict => refuse(ErrorCode.INTERNAL_ERROR, 'the handshake could not be checked'),
    );
    if (!verdict.ok) this.registry.release(ip);
    return verdict.ok ? { ...verdict, ip } : verdict;
  }

  private async authenticate(auth: unknown): Promise<HandshakeVerdict> {
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    if (token === undefined || token === null || token === '') {
      return this.options.allowAnonymous ? { ok: true, ip: '' } : refuse(ErrorCode.UNAUTHORIZED, 'a token is required in auth.token');
    }
    if (typeof token !== 'string' || token.length > 8192) return refuse(ErrorCode.UNAUTHORIZED, 'auth.token must be a string');
    const verdict = await this.verifier.verify(token);
    if (verdict.ok && this.lifecycle.isRevoked(verdict.token.userId, verdict.token.issuedAt)) {
      return refuse(ErrorCode.UNAUTHORIZED, 'token has been revoked');
    }
    if (verdict.ok) {
      const { userId, expiresAt, issuedAt } = verdict.token;
      return { ok: true, userId, tokenExpiresAt: expiresAt, tokenIssuedAt: issuedAt, ip: '' };
    }
    return verdict.reason === 'unavailable'
      ? refuse(ErrorCode.AUTH_UNAVAILABLE, verdict.message, 2000)
      : refuse(ErrorCode.UNAUTHORIZED, verdict.message);
  }

}

function refuse(code: ErrorCode, message: string, retryAfterMs?: number): HandshakeVerdict {
  return { ok: false, error: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs } };
}
