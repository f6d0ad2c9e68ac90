import type { Server, Socket } from 'socket.io';
import { encodeTextFrame } from '../socket/lean-websocket/websocket-frame.writer';
import type { BacklogWatch } from './backlog-watch';
import { engineOf } from './outgoing-buffer';

/**
 * Writes one update to every local member of a room, framing it ONCE: the WebSocket frame of
 * `42["event",payload]` is built a single time and the same bytes are written straight to
 * each member's TCP socket. Going through Socket.IO and Engine.IO per socket costs several
 * times the kernel write itself; this is the fan-out's hot loop.
 *
 * The shortcut is taken only when nothing of that socket is queued above the TCP socket
 * (Engine.IO's write buffer empty, its transport writable, ws's sender idle; the lean
 * WebSocket has no sender queue), so frames can never overtake each other; otherwise the
 * update goes the ordinary way, into the same queue. These are Engine.IO / ws internals (see
 * outgoing-buffer.ts), read defensively. A socket left with, or found with, bytes queued is
 * noted in `backlog` for the slow-socket monitor.
 */
export function writeToRoom(
  server: Server,
  room: string,
  packetBody: string,
  eventName: string,
  payload: unknown,
  excluded: readonly string[],
  backlog: BacklogWatch,
): number {
  const adapter = server.sockets.adapter;
  const members = adapter.rooms.get(room);
  if (!members || members.size === 0) return 0;
  let frame: Buffer | undefined;
  let delivered = 0;
  for (const id of members) {
    const joined = adapter.sids.get(id);
    if (joined && excluded.some((name) => joined.has(name))) continue;
    const socket = server.sockets.sockets.get(id);
    if (!socket) continue;
    const tcp = directPath(socket);
    if (tcp) {
      frame ??= encodeTextFrame(`42${packetBody}`);
      tcp.write(frame);
      if (tcp.writableLength > 0) backlog.note(socket);
    } else {
      (socket.emit as (event: string, data: unknown) => boolean)(eventName, payload);
      backlog.note(socket);
    }
    delivered++;
  }
  return delivered;
}

/** The socket's TCP stream when nothing of it is queued above TCP; else undefined. */
export function directPath(socket: Socket): { write(data: Buffer): boolean; readonly writableLength: number } | undefined {
  const engine = engineOf(socket);
  const ws = engine.transport?.socket;
  const tcp = ws?._socket;
  if (
    engine.readyState !== 'open' ||
    engine.transport?.writable !== true ||
    (engine.writeBuffer?.length ?? 1) > 0 ||
    ws?.readyState !== 1 ||
    // The lean WebSocket writes straight to TCP; a ws one may hold frames in its sender (unknown: assume it does).
    (ws.writesStraightToSocket === true ? 0 : (ws._sender?._bufferedBytes ?? 1)) > 0 ||
    !tcp ||
    tcp.destroyed
  ) {
    return undefined;
  }
  return tcp;
}
