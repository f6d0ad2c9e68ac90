import type { Socket } from 'socket.io';

interface EngineSocketInternals {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
}

/**
 * Bytes waiting to reach a client: Engine.IO's write buffer (packets queued while the
 * transport is busy) plus what the WebSocket has not yet handed to the kernel. These are
 * Engine.IO / ws internals; both are read defensively.
 */
export function outgoingBytes(socket: Pick<Socket, 'conn'>): number {
  const engine = socket.conn as unknown as EngineSocketInternals;
  let bytes = engine.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of engine.writeBuffer ?? []) bytes += typeof packet.data === 'string' ? packet.data.length : 64;
  return bytes;
}
