import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { z } from 'zod';
import {
  DEX_EVENT_TYPES,
  ErrorCode,
  describeValidationError,
  joinRoomRequestSchema,
  leaveRoomRequestSchema,
  refreshTokenRequestSchema,
  subscribeRequestSchema,
} from '@moonx-farm/events';
import { TOKEN_VERIFIER, type TokenVerifier } from '@moonx-farm/server-core';
import { GATEWAY_METRICS } from '../gateway-metrics';
import { skipRoomOf } from '../rooms/internal-rooms';
import { RoomJoinService, type GatewaySocket } from '../rooms/room-join.service';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import { ControlRateLimiter } from './control-rate-limiter';
import { errorReply, replyChannel, type ClientEventName, type Reply } from './request-reply';
import { SocketLifecycleService } from './socket-lifecycle.service';

const KNOWN_EVENTS: ReadonlySet<string> = new Set(['join_room', 'leave_room', 'subscribe', 'refresh_token', 'ping']);

/**
 * Client → server events. Every payload is validated; every request gets exactly one
 * reply (ack or event); no input can throw out of a handler.
 */
@Injectable()
export class ClientRequestHandler {
  private readonly logger = new Logger('ClientRequests');

  /**
   * Sockets that have sent a control message have a rate-limit bucket; idle ones do not. A
   * bucket starts full, so making it at the first request limits exactly as one made at connect.
   */
  private readonly limiters = new WeakMap<GatewaySocket, ControlRateLimiter>();
  /**
   * The one listener every socket shares (Socket.IO calls it with the socket as `this`):
   * per-socket closures, listener entries and a bucket each cost about a kilobyte per idle
   * connection.
   */
  private readonly receiver: (this: GatewaySocket, event: unknown, ...args: unknown[]) => void;

  constructor(
    private readonly joins: RoomJoinService,
    private readonly lifecycle: SocketLifecycleService,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @InjectMetric(GATEWAY_METRICS.rejectedRequests) private readonly rejected: Counter<'code'>,
  ) {
    const receive = (socket: GatewaySocket, event: unknown, args: unknown[]) => this.receive(socket, event, args);
    this.receiver = function (this: GatewaySocket, event: unknown, ...args: unknown[]) {
      receive(this, event, args);
    };
  }

  bind(socket: GatewaySocket): void {
    socket.onAny(this.receiver);
  }

  private receive(socket: GatewaySocket, event: unknown, args: unknown[]): void {
    if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return this.request(socket, event as ClientEventName, args);
    // Unknown events get one reply like any request: in their ack when they bring one, else an
    // `error` event. They cost a reply each, so they count against the same budget.
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (body: unknown) => void) : undefined;
    const refusal = this.limited(socket) ?? errorReply(ErrorCode.INVALID_PAYLOAD, `unknown event "${String(event).slice(0, 40)}"`);
    this.rejected.inc({ code: refusal.error.code });
    if (ack) ack(refusal);
    else socket.emit('error', refusal.error);
  }

  private request(socket: GatewaySocket, event: ClientEventName, args: unknown[]): void {
    const channel = replyChannel(socket, event, args);
    const reply = this.counting(channel.reply);
    // ping is a heartbeat, not a control message: never limited, its payload ignored.
    if (event === 'ping') return reply({ timestamp: Date.now() });
    const refusal = this.limited(socket);
    if (refusal) return reply(refusal);
    if (channel.extraArgs) {
      return reply(errorReply(ErrorCode.INVALID_PAYLOAD, `${event} takes one payload and an optional acknowledgement callback`));
    }
    Promise.resolve()
      .then(() => this.handle(socket, event, channel.payload, reply))
      .catch((error: Error) => {
        this.logger.error(`${event} failed: ${error.message}`);
        reply(errorReply(ErrorCode.INTERNAL_ERROR, 'internal error'));
      });
  }

  private handle(socket: GatewaySocket, event: Exclude<ClientEventName, 'ping'>, payload: unknown, reply: Reply): Promise<void> | void {
    switch (event) {
      case 'join_room':
        return this.join(socket, payload, reply);
      case 'leave_room':
        return this.leave(socket, payload, reply);
      case 'subscribe':
        return this.subscribe(socket, payload, reply);
      case 'refresh_token':
        return this.refresh(socket, payload, reply);
    }
  }

  private counting(reply: Reply): Reply {
    return (body) => {
      const error = (body as { ok?: boolean; error?: { code: ErrorCode } }).error;
      if (error) this.rejected.inc({ code: error.code });
      reply(body);
    };
  }

  /** The rate-limit refusal, or undefined when the request may go on. */
  private limited(socket: GatewaySocket) {
    let limiter = this.limiters.get(socket);
    if (!limiter) {
      limiter = new ControlRateLimiter(this.options.controlRatePerSec, this.options.controlBurst);
      this.limiters.set(socket, limiter);
    }
    const waitMs = limiter.take();
    return waitMs > 0 ? errorReply(ErrorCode.RATE_LIMITED, `too many requests; retry in ${waitMs} ms`, { retryAfterMs: waitMs }) : undefined;
  }

  private async join(socket: GatewaySocket, payload: unknown, reply: Reply): Promise<void> {
    const request = validate(joinRoomRequestSchema, payload, reply);
    if (request) await this.joins.join(socket, request.room, request.resume?.seq, reply);
  }

  private leave(socket: GatewaySocket, payload: unknown, reply: Reply): void {
    const request = validate(leaveRoomRequestSchema, payload, reply);
    if (!request) return;
    if (!this.joins.leave(socket, request.room)) {
      return reply(errorReply(ErrorCode.NOT_JOINED, `not in room "${request.room}"`));
    }
    reply({ ok: true, room: request.room });
  }

  private subscribe(socket: GatewaySocket, payload: unknown, reply: Reply): void {
    const request = validate(subscribeRequestSchema, payload, reply);
    if (!request) return;
    const wanted = request.types.length === 0 ? DEX_EVENT_TYPES : request.types;
    for (const type of DEX_EVENT_TYPES) {
      if (wanted.includes(type)) socket.leave(skipRoomOf(type));
      else socket.join(skipRoomOf(type));
    }
    reply({ ok: true, types: [...new Set(wanted)] });
  }

  private async refresh(socket: GatewaySocket, payload: unknown, reply: Reply): Promise<void> {
    const request = validate(refreshTokenRequestSchema, payload, reply);
    if (!request) return;
    const verdict = await this.verifier.verify(request.token);
    if (!verdict.ok) {
      const code = verdict.reason === 'unavailable' ? ErrorCode.AUTH_UNAVAILABLE : ErrorCode.UNAUTHORIZED;
      return reply(errorReply(code, verdict.message));
    }
    if (socket.data.userId !== undefined && verdict.token.userId !== socket.data.userId) {
      return reply(errorReply(ErrorCode.FORBIDDEN, 'the new token belongs to another user'));
    }
    if (socket.data.userId === undefined) {
      return reply(errorReply(ErrorCode.FORBIDDEN, 'an anonymous connection cannot become a user: reconnect with the token'));
    }
    if (this.lifecycle.isRevoked(verdict.token.userId, verdict.token.issuedAt)) {
      return reply(errorReply(ErrorCode.UNAUTHORIZED, 'token has been revoked'));
    }
    socket.data.tokenExpiresAt = verdict.token.expiresAt;
    socket.data.tokenIssuedAt = verdict.token.issuedAt;
    socket.data.authenticatedAt = Date.now();
    this.lifecycle.scheduleExpiry(socket);
    reply({ ok: true, expiresAt: verdict.token.expiresAt });
  }
}

function validate<T extends z.ZodType>(schema: T, payload: unknown, reply: Reply): z.output<T> | undefined {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  reply(errorReply(ErrorCode.INVALID_PAYLOAD, describeValidationError(result.error)));
  return undefined;
}
