import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import type { Server } from 'socket.io';
import { randomUUID } from 'node:crypto';
import { SYSTEM_ALERTS_ROOM, privateRoomsOf } from '@moonx-farm/events';
import { ConnectBurstHeapPolicy } from '../connect-burst-heap.policy';
import { GATEWAY_METRICS } from '../gateway-metrics';
import { BATCH_ROOM } from '../rooms/internal-rooms';
import { RoomFanoutService } from '../rooms/room-fanout.service';
import { RoomJoinService, type GatewaySocket } from '../rooms/room-join.service';
import { SlowSocketMonitor } from '../rooms/slow-socket.monitor';
import { ClientRequestHandler } from './client-request.handler';
import { CompactMap } from './compact-map';
import { compactConnection } from './connection-compaction';
import { ConnectionGuard } from './connection-guard';
import { ConnectionRegistry } from './connection-registry';
import { SocketLifecycleService } from './socket-lifecycle.service';

/**
 * The Socket.IO endpoint. Server options (transports, buffer size, ping) come from the
 * app's ConfiguredIoAdapter, so this class stays free of configuration.
 */
@WebSocketGateway()
export class SocketGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('SocketGateway');

  constructor(
    private readonly guard: ConnectionGuard,
    private readonly registry: ConnectionRegistry,
    private readonly lifecycle: SocketLifecycleService,
    private readonly fanout: RoomFanoutService,
    private readonly joins: RoomJoinService,
    private readonly requests: ClientRequestHandler,
    private readonly slowSockets: SlowSocketMonitor,
    private readonly heapPolicy: ConnectBurstHeapPolicy,
    @InjectMetric(GATEWAY_METRICS.connections) private readonly connections: Gauge,
    @InjectMetric(GATEWAY_METRICS.rejectedRequests) private readonly rejected: Counter<'code'>,
  ) {}

  afterInit(server: Server): void {
    this.fanout.attach(server);
    server.use((socket, next) => {
      this.guard.check(socket).then((verdict) => {
        if (!verdict.ok) {
          this.rejected.inc({ code: verdict.error.code });
          const refusal = new Error(verdict.error.message) as Error & { data?: unknown };
          refusal.data = verdict.error;
          return next(refusal);
        }
        // The client left while its token was checked: socket.io drops such a socket without a
        // disconnect event, so the place reserved by the guard must be given back here.
        if (socket.conn.readyState !== 'open') {
          this.registry.release(verdict.ip);
          return next(new Error('the client left during the handshake'));
        }
        // One literal with every field: its properties sit inside the object, where adding them
        // one by one to Socket.IO's empty `data` would spill them into a separate store.
        const data: GatewaySocket['data'] = {
          connectionId: randomUUID(),
          userId: verdict.userId,
          tokenExpiresAt: verdict.tokenExpiresAt,
          tokenIssuedAt: verdict.tokenIssuedAt,
          authenticatedAt: Date.now(),
          ip: verdict.ip,
          // An anonymous socket is in system:alerts alone until it joins more: no Map's table for that.
          rooms: new CompactMap(),
        };
        socket.data = data;
        next();
      });
    });
  }

  handleConnection(socket: GatewaySocket): void {
    this.connections.inc();
    this.heapPolicy.noteConnect();
    this.registry.add(socket);
    this.lifecycle.scheduleExpiry(socket);
    this.requests.bind(socket);
    const auth = socket.handshake.auth as { batch?: unknown } | undefined;
    if (auth?.batch === true) socket.join(BATCH_ROOM);
    // Everything the handshake was needed for is in socket.data now. Dropping the upgrade
    // request (Socket.IO's memory guide) and what the handshake copied from it (headers, query,
    // url, time; the auth payload with its token) saves about a kilobyte per idle connection.
    (socket.conn as unknown as { request: unknown }).request = null;
    forgetHandshake(socket);
    // Every listener of an idle connection is in place: trim the tables and lists that hold them.
    compactConnection(socket);
    socket.emit('connected', { connectionId: socket.data.connectionId, timestamp: Date.now() });
    const userId = socket.data.userId;
    const automatic = [SYSTEM_ALERTS_ROOM, ...(userId ? privateRoomsOf(userId) : [])];
    const joined = automatic.map(
      (room) =>
        new Promise<void>((resolve) => {
          void this.joins.join(socket, room, undefined, (ack) => {
            if (!ack.ok) {
              this.logger.warn(`automatic join of ${room} failed: ${ack.error.message}`);
              // Before `authenticated`, so a client that relies on the automatic joins knows to join this one itself.
              socket.emit('error', { ...ack.error, message: `automatic join of ${room} failed, join it with join_room: ${ack.error.message}` });
            }
            resolve();
          });
        }),
    );
    // `authenticated` waits for the private rooms: from then on, no personal event can be missed.
    if (userId) void Promise.all(joined).then(() => socket.connected && socket.emit('authenticated', { user: { id: userId } }));
  }

  handleDisconnect(socket: GatewaySocket): void {
    if (!socket.data.rooms) return;
    this.connections.dec();
    this.registry.remove(socket);
    this.registry.release(socket.data.ip);
    this.lifecycle.clearExpiry(socket);
    this.slowSockets.forget(socket);
    this.joins.leaveAll(socket);
  }
}

const NOTHING: Readonly<Record<string, never>> = Object.freeze({});

/** Empties what the handshake kept of the request; its address and time of issue stay. */
function forgetHandshake(socket: GatewaySocket): void {
  const handshake = socket.handshake;
  handshake.headers = NOTHING;
  handshake.query = NOTHING;
  handshake.auth = NOTHING;
  handshake.url = '';
  handshake.time = '';
}
