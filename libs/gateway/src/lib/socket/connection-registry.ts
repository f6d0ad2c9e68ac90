import { Injectable } from '@nestjs/common';
import type { GatewaySocket } from '../rooms/room-join.service';

/**
 * The replica's open sockets, by user and by client IP, for limits, revocation and drain.
 * Counts are reserved at the handshake (before the socket exists) so a burst of connects
 * cannot overshoot a limit while verifications are in flight.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly sockets = new Map<string, GatewaySocket>();
  private readonly byUser = new Map<string, Set<GatewaySocket>>();
  private readonly perIp = new Map<string, number>();
  private reserved = 0;

  get total(): number {
    return this.reserved;
  }

  connectionsFrom(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  reserve(ip: string): void {
    this.reserved++;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
  }

  release(ip: string): void {
    this.reserved--;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
  }

  add(socket: GatewaySocket): void {
    this.sockets.set(socket.id, socket);
    const userId = socket.data.userId;
    if (userId) {
      const set = this.byUser.get(userId) ?? new Set();
      set.add(socket);
      this.byUser.set(userId, set);
    }
  }

  remove(socket: GatewaySocket): void {
    if (!this.sockets.delete(socket.id)) return;
    const userId = socket.data.userId;
    const set = userId ? this.byUser.get(userId) : undefined;
    if (set && userId) {
      set.delete(socket);
      if (set.size === 0) this.byUser.delete(userId);
    }
  }

  socketsOf(userId: string): GatewaySocket[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  all(): GatewaySocket[] {
    return [...this.sockets.values()];
  }

  get authenticatedUsers(): number {
    return this.byUser.size;
  }
}
