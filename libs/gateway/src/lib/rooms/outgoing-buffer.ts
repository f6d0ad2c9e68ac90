import type { Socket } from 'socket.io';

/** The Engine.IO / WebSocket internals the fan-out reads (not in their type declarations): ws's or the lean engine's. */
export interface EngineSocketInternals {
  readyState?: string;
  writeBuffer?: { data?: unknown }[];
  transport?: {
    writable?: boolean;
    socket?: {
      readyState?: number;
      bufferedAmount?: number;
      _socket?: { write(data: Buffer): boolean; destroyed: boolean; writableLength: number };
      /** ws: frames its sender holds back (while compressing, or writing a big frame in parts). */
      _sender?: { _bufferedBytes: number };
      /** The lean WebSocket (socket/lean-websocket): it has no sender, every frame goes straight to the TCP socket. */
      writesStraightToSocket?: boolean;
    };
  };
}

export function engineOf(socket: Pick<Socket, 'conn'>): EngineSocketInternals {
  return socket.conn as unknown as EngineSocketInternals;
}

/**
 * Bytes waiting to reach a client: Engine.IO's write buffer (packets queued while the
 * transport is busy) plus what the WebSocket has not yet handed to the kernel (`bufferedAmount`,
 * which both ws and the lean engine have). These are Engine.IO / ws internals; both are read
 * defensively.
 */
export function outgoingBytes(socket: Pick<Socket, 'conn'>): number {
  const engine = engineOf(socket);
  let bytes = engine.transport?.socket?.bufferedAmount ?? 0;
  // Indexed: the slow-socket sweep calls this for every socket ten times a second, mostly on empty buffers.
  const queued = engine.writeBuffer;
  if (queued) for (let i = 0; i < queued.length; i++) bytes += typeof queued[i].data === 'string' ? (queued[i].data as string).length : 64;
  return bytes;
}
