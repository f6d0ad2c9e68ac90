import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { ErrorCode, type DeliveredMessage, type GatewayErrorBody, type JoinRoomAck, type JoinRoomRequest } from '@moonx-farm/events';

interface FakeRoom {
  seq: number;
  history: { event: string; message: DeliveredMessage }[];
  snapshot?: DeliveredMessage;
}

/** An unsigned JWT-shaped token: the fake server reads `sub`, the SDK reads `exp`. */
export function fakeToken(userId: string, expiresInSec = 3600, nonce = ''): string {
  const claims = Buffer.from(JSON.stringify({ sub: userId, exp: Math.floor(Date.now() / 1000) + expiresInSec, nonce })).toString('base64url');
  return `e30.${claims}.unsigned`;
}

function userOf(token: string): string | undefined {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}

/**
 * A small Socket.IO server speaking the gateway protocol (join with resume and replay,
 * refresh_token, shutdown), so client tests can drive reconnects and refusals precisely.
 */
export class FakeGateway {
  readonly rooms = new Map<string, FakeRoom>();
  readonly handshakeTokens: (string | undefined)[] = [];
  readonly joins: JoinRoomRequest[] = [];
  readonly leaves: string[] = [];
  readonly refreshes: string[] = [];
  /** Tokens refused at the handshake. */
  readonly refusedTokens = new Set<string>();
  /** Refusals for the next handshakes, whatever their token (e.g. SERVER_BUSY while draining). */
  readonly refuseNext: GatewayErrorBody[] = [];
  /** Replay at most this many events on resume; beyond, a fresh start. */
  historyLimit = 1000;

  private constructor(
    private readonly http: HttpServer,
    readonly io: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGateway> {
    const http = createServer();
    const io = new Server(http, { transports: ['websocket'] });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const gateway = new FakeGateway(http, io, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    gateway.bind();
    return gateway;
  }

  get sockets(): Socket[] {
    return [...this.io.sockets.sockets.values()];
  }

  /** Sequences a message in its room, keeps it for resume, and sends it to the room's members. */
  publish(event: string, fields: Omit<DeliveredMessage, 'seq' | 'id' | 'timestamp'> & { id?: string }, options: { snapshot?: boolean } = {}): DeliveredMessage {
    const room = this.room(fields.room);
    room.seq++;
    const message = { timestamp: Date.now(), id: `${fields.room}#${room.seq}`, ...fields, seq: room.seq } as DeliveredMessage;
    room.history.push({ event, message });
    if (options.snapshot) room.snapshot = message;
    this.io.to(fields.room).emit(event, message);
    return message;
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    this.http.closeAllConnections?.();
  }

  private room(name: string): FakeRoom {
    let room = this.rooms.get(name);
    if (!room) {
      room = { seq: 0, history: [] };
      this.rooms.set(name, room);
    }
    return room;
  }

  private bind(): void {
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: string }).token;
      this.handshakeTokens.push(token);
      const queued = this.refuseNext.shift();
      if (queued) {
        const refusal = new Error(queued.message) as Error & { data?: unknown };
        refusal.data = queued;
        return next(refusal);
      }
      if (token && this.refusedTokens.has(token)) {
        const refusal = new Error('token refused') as Error & { data?: unknown };
        refusal.data = { code: ErrorCode.UNAUTHORIZED, message: 'token refused' };
        return next(refusal);
      }
      socket.data.userId = token ? userOf(token) : undefined;
      next();
    });
    this.io.on('connection', (socket) => {
      socket.emit('connected', { connectionId: socket.id, timestamp: Date.now() });
      if (socket.data.userId) socket.emit('authenticated', { user: { id: socket.data.userId } });
      socket.on('join_room', (request: JoinRoomRequest, ack: (reply: JoinRoomAck) => void) => {
        this.joins.push(request);
        const room = this.room(request.room);
        const owner = /^(user|portfolio|orders):(.+)$/.exec(request.room)?.[2];
        if (owner !== undefined && owner !== socket.data.userId) {
          return ack({ ok: false, error: { code: ErrorCode.FORBIDDEN, message: 'not your room' } });
        }
        void socket.join(request.room);
        const resume = request.resume?.seq;
        const missed = resume === undefined ? [] : room.history.filter((entry) => entry.message.seq > resume);
        const canReplay = resume !== undefined && missed.length <= this.historyLimit && resume <= room.seq;
        if (canReplay) {
          ack({ ok: true, room: request.room, seq: resume, resumed: true, replayed: missed.length });
          for (const entry of missed) socket.emit(entry.event as 'price_update', entry.message as never);
          return;
        }
        ack({
          ok: true,
          room: request.room,
          seq: room.seq,
          ...(room.snapshot ? { snapshot: room.snapshot } : {}),
          ...(resume !== undefined ? { resumed: false } : {}),
        });
      });
      socket.on('leave_room', (request: { room: string }, ack: (reply: unknown) => void) => {
        this.leaves.push(request.room);
        void socket.leave(request.room);
        ack({ ok: true, room: request.room });
      });
      socket.on('refresh_token', (request: { token: string }, ack: (reply: unknown) => void) => {
        this.refreshes.push(request.token);
        const claims = JSON.parse(Buffer.from(request.token.split('.')[1], 'base64url').toString()) as { exp: number };
        ack({ ok: true, expiresAt: claims.exp * 1000 });
      });
    });
  }
}
