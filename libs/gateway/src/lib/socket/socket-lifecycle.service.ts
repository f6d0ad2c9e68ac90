import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ErrorCode } from '@moonx-farm/events';
import { REVOCATION_BUS, TOKEN_VERIFIER, forgetsUsers, type RevocationBus, type TokenVerifier } from '@moonx-farm/server-core';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import type { GatewaySocket } from '../rooms/room-join.service';
import { ConnectionRegistry } from './connection-registry';
import { DrainState } from './drain-state';

const MAX_TIMER_MS = 2_147_483_647;
/** Revocations remembered locally (a cached verdict must not outlive one). */
const MAX_REMEMBERED_REVOCATIONS = 100_000;

/**
 * What happens to a socket over its life besides requests: its token runs out (told why,
 * then disconnected unless refreshed), its user is revoked (dropped on every replica), or
 * the replica drains (told `shutdown`, then closed in batches).
 */
@Injectable()
export class SocketLifecycleService implements OnModuleInit {
  private readonly logger = new Logger('SocketLifecycle');
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly revokedAt = new Map<string, number>();

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly drainState: DrainState,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(REVOCATION_BUS) private readonly revocations: RevocationBus,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.revocations.listen(({ userId, revokedAt }) => {
      if (forgetsUsers(this.verifier)) this.verifier.forgetUser(userId);
      this.revokedAt.set(userId, Math.max(revokedAt, this.revokedAt.get(userId) ?? 0));
      while (this.revokedAt.size > MAX_REMEMBERED_REVOCATIONS) this.revokedAt.delete(this.revokedAt.keys().next().value as string);
      const dropped = this.registry.socketsOf(userId).filter((socket) => this.isRevoked(userId, socket.data.tokenIssuedAt ?? socket.data.authenticatedAt));
      for (const socket of dropped) {
        socket.emit('error', { code: ErrorCode.UNAUTHORIZED, message: 'your session was revoked' });
        socket.disconnect(true);
      }
      if (dropped.length > 0) this.logger.log(`revocation: dropped ${dropped.length} socket(s) of one user`);
    });
  }

  /**
   * True when a token of this user issued at `issuedAt` was revoked since. Checked on every
   * accepted token too, so a verdict cached in the instant before a revocation reached this
   * replica cannot let the token back in.
   */
  isRevoked(userId: string, issuedAt: number | undefined): boolean {
    const revokedAt = this.revokedAt.get(userId);
    return revokedAt !== undefined && (issuedAt === undefined || issuedAt <= revokedAt);
  }

  /** (Re)arms the expiry of the socket's token. */
  scheduleExpiry(socket: GatewaySocket): void {
    this.clearExpiry(socket);
    const expiresAt = socket.data.tokenExpiresAt;
    if (expiresAt === undefined) return;
    const timer = setTimeout(() => {
      this.expiryTimers.delete(socket.id);
      socket.emit('error', { code: ErrorCode.TOKEN_EXPIRED, message: 'your token expired without refresh_token; reconnect with a new token' });
      socket.disconnect(true);
    }, Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }

  clearExpiry(socket: GatewaySocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  /** Graceful drain: refuse new sockets, tell every socket, close them in batches over the window. */
  async drain(): Promise<void> {
    if (this.drainState.draining) return;
    this.drainState.draining = true;
    const sockets = this.registry.all();
    for (const socket of sockets) socket.emit('shutdown', { reconnectInMs: this.options.reconnectInMs, reason: 'server is restarting' });
    const tickMs = 100;
    const ticks = Math.max(1, Math.floor(this.options.drainWindowMs / tickMs));
    const batchSize = Math.max(1, Math.ceil(sockets.length / ticks));
    this.logger.log(`draining ${sockets.length} socket(s) over ${this.options.drainWindowMs} ms`);
    for (let index = 0; index < sockets.length; index += batchSize) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, tickMs));
      for (const socket of sockets.slice(index, index + batchSize)) socket.disconnect(true);
    }
  }
}
