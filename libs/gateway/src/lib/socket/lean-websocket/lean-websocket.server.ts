import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { LeanWebSocket } from './lean-websocket.connection';
import { checkHandshake, rejectHandshake, switchingProtocolsLines } from './websocket-handshake';

/** The options Engine.IO gives its `wsEngine` (server.js `init()`). */
export interface LeanWebSocketServerOptions {
  noServer?: boolean;
  clientTracking?: boolean;
  perMessageDeflate?: boolean | object;
  maxPayload?: number;
}

/** ws's default: Engine.IO always passes its maxHttpBufferSize. */
const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;

/**
 * A WebSocket server for Engine.IO's `wsEngine` option, in place of ws's `WebSocketServer`,
 * with what Engine.IO uses of it: built with `{ noServer: true, clientTracking: false,
 * perMessageDeflate, maxPayload }`, a 'headers' event (the 101's header lines and the request,
 * before they are written) and `handleUpgrade`. Each connection is one LeanWebSocket, a few
 * hundred bytes where ws's objects take about two kilobytes.
 *
 * Compression is not offered: it would cost far more memory per connection than the rest, and
 * the gateway uses ws when ENABLE_COMPRESSION is on. Asking this server for it is a mistake,
 * so it refuses rather than silently serving uncompressed.
 */
export class LeanWebSocketServer extends EventEmitter {
  private readonly maxPayload: number;

  constructor(options: LeanWebSocketServerOptions = {}) {
    super();
    if (options.noServer !== true) throw new TypeError('LeanWebSocketServer only works with noServer: true (Engine.IO hands it the upgrades)');
    if (options.clientTracking === true) throw new TypeError('LeanWebSocketServer does not track clients (clientTracking must be false)');
    if (options.perMessageDeflate) throw new TypeError('LeanWebSocketServer does not compress: use ws for perMessageDeflate');
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  }

  override on(event: 'headers', listener: (headers: string[], request: IncomingMessage) => void): this;
  override on(event: string, listener: (...args: never[]) => void): this;
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** Completes the handshake of an upgrade request, or refuses it (400, or 426 for another version) and destroys the socket. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (websocket: LeanWebSocket, request: IncomingMessage) => void): void {
    const check = checkHandshake(request);
    if (!check.ok) {
      rejectHandshake(socket, check.status, check.message);
      return;
    }
    if (!socket.readable || !socket.writable) {
      socket.destroy();
      return;
    }
    const lines = switchingProtocolsLines(check.key);
    this.emit('headers', lines, request);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    // Bytes the client sent right after its request (a first frame) are parsed like any other.
    if (head.length > 0) socket.unshift(head);
    callback(new LeanWebSocket(socket as Socket, this.maxPayload), request);
  }

  /** Nothing to release: connections are not tracked (Engine.IO closes its clients itself). */
  close(callback?: () => void): void {
    if (callback) process.nextTick(callback);
  }
}
