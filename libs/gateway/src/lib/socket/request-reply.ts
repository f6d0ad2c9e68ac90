import { ErrorCode, REPLY_EVENTS, type ClientToServerEvents, type GatewayErrorBody } from '@moonx-farm/events';
import type { GatewaySocket } from '../rooms/room-join.service';

export type ClientEventName = keyof ClientToServerEvents;
export type Reply = (body: unknown) => void;

/**
 * Splits Socket.IO handler arguments into payload and reply. A client may send an ack
 * callback (the reply goes there) or not (the reply comes as an event); any other shape of
 * arguments is answered with INVALID_PAYLOAD rather than trusted.
 */
export function replyChannel(socket: GatewaySocket, event: ClientEventName, args: unknown[]): { payload: unknown; reply: Reply; extraArgs: boolean } {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (body: unknown) => void) : undefined;
  const values = ack ? args.slice(0, -1) : args;
  let replied = false;
  const reply: Reply = (body) => {
    if (replied) return;
    replied = true;
    if (ack) ack(body);
    else (socket.emit as (name: string, payload: unknown) => boolean)(REPLY_EVENTS[event], body);
  };
  return { payload: values[0], reply, extraArgs: values.length > 1 };
}

export function errorReply(code: ErrorCode, message: string, extra: Partial<GatewayErrorBody> = {}) {
  return { ok: false as const, error: { code, message, ...extra } };
}
