import type { Socket } from 'node:net';
import { added, emitTo, removed, type Slot } from './listener-slot';
import { CloseCode, isValidCloseCode } from './websocket-close-codes';
import { WebSocketFrameParser } from './websocket-frame.parser';
import {
  encodeCloseFrame,
  encodeFrame,
  encodeTextFrame,
  frameHeader,
  Opcode,
  SINGLE_BUFFER_LIMIT,
} from './websocket-frame.writer';

export type MessageListener = (data: Buffer, isBinary: boolean) => void;
export type CloseListener = (code: number, reason: Buffer) => void;
export type ErrorListener = (error: Error) => void;
/** Called with nothing (or null) once the kernel has the frame, with an error when it could not be sent. */
export type SendCallback = (error?: Error | null) => void;
type AnyListener = MessageListener | CloseListener | ErrorListener;
type SendData = string | Buffer | ArrayBuffer | ArrayBufferView;

/** How long a closing connection waits for the peer to finish before the socket is destroyed. */
export const CLOSE_TIMEOUT_MS = 10_000;

const CLOSE_SENT = 1;
const CLOSE_RECEIVED = 2;
const CLOSE_EMITTED = 4;
const EMPTY = Buffer.alloc(0);
/** The connection is found from the socket's listeners, which are shared functions (no closure per connection). */
const kConnection = Symbol('lean-websocket-connection');
type OwnedSocket = Socket & { [kConnection]?: LeanWebSocket };

/** A protocol failure reported through 'error', shaped like ws's (a status code for the close frame). */
export class WebSocketProtocolError extends RangeError {
  constructor(
    message: string,
    readonly closeCode: number,
  ) {
    super(message);
    this.name = 'WebSocketProtocolError';
  }
}

/**
 * The server side of one WebSocket, exposing exactly what Engine.IO's websocket transport and
 * server use of a ws WebSocket: `on`/`once`/`removeListener` for 'message' (data, isBinary),
 * 'close' (code, reason) and 'error'; `send(data, [options], cb)`; `close()`; `readyState`; and
 * `_socket`, which Engine.IO and the fan-out read. It is not an EventEmitter: an idle
 * connection is this one object (listeners in three slots, the parser's few integers).
 *
 * It writes frames straight to the TCP socket, so nothing is ever queued above it:
 * `bufferedAmount` is the socket's own writable length, and `writesStraightToSocket` tells the
 * fan-out there is no sender queue to wait for.
 */
export class LeanWebSocket extends WebSocketFrameParser {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readyState: 0 | 1 | 2 | 3 = LeanWebSocket.OPEN;
  private flags = 0;
  private closeCode: number = CloseCode.Abnormal;
  private closeReason: Buffer = EMPTY;
  private closeTimer: NodeJS.Timeout | undefined = undefined;
  private messageListeners: Slot<MessageListener> = undefined;
  private closeListeners: Slot<CloseListener> = undefined;
  private errorListeners: Slot<ErrorListener> = undefined;

  constructor(
    readonly _socket: Socket,
    maxPayload: number,
  ) {
    super(maxPayload);
    (_socket as OwnedSocket)[kConnection] = this;
    // The HTTP server's timeout is for requests; a WebSocket is kept alive by Engine.IO's pings.
    _socket.setTimeout(0);
    _socket.setNoDelay(true);
    // A WebSocket has no use for half-open TCP (HTTP sockets allow it): the peer's FIN ends our
    // side too. Node then does it, which spares an 'end' listener (an array on every socket).
    _socket.allowHalfOpen = false;
    _socket.on('data', onSocketData);
    _socket.on('error', onSocketError);
    _socket.on('close', onSocketClose);
  }

  get bufferedAmount(): number {
    return this._socket.writableLength;
  }

  /** Always true: frames are written to the TCP socket at once (see the class comment). */
  get writesStraightToSocket(): true {
    return true;
  }

  on(event: 'message', listener: MessageListener): this;
  on(event: 'close', listener: CloseListener): this;
  on(event: 'error', listener: ErrorListener): this;
  on(event: string, listener: AnyListener): this {
    if (event === 'message') this.messageListeners = added(this.messageListeners, listener as MessageListener);
    else if (event === 'close') this.closeListeners = added(this.closeListeners, listener as CloseListener);
    else if (event === 'error') this.errorListeners = added(this.errorListeners, listener as ErrorListener);
    else throw new TypeError(`LeanWebSocket has no "${event}" event (only message, close and error)`);
    return this;
  }

  addListener(event: 'message' | 'close' | 'error', listener: AnyListener): this {
    return this.on(event as 'message', listener as MessageListener);
  }

  /** 'close' is emitted at most once, so `once` is `on` for it (Engine.IO's only use); the others are wrapped. */
  once(event: 'message', listener: MessageListener): this;
  once(event: 'close', listener: CloseListener): this;
  once(event: 'error', listener: ErrorListener): this;
  once(event: string, listener: AnyListener): this {
    if (event === 'close') return this.on(event, listener as CloseListener);
    const wrapper = (...args: unknown[]): void => {
      this.removeListener(event as 'message', wrapper);
      (listener as (...a: unknown[]) => void)(...args);
    };
    return this.on(event as 'message', wrapper as MessageListener);
  }

  removeListener(event: 'message' | 'close' | 'error', listener: AnyListener): this {
    if (event === 'message') this.messageListeners = removed(this.messageListeners, listener as MessageListener);
    else if (event === 'close') this.closeListeners = removed(this.closeListeners, listener as CloseListener);
    else if (event === 'error') this.errorListeners = removed(this.errorListeners, listener as ErrorListener);
    return this;
  }

  off(event: 'message' | 'close' | 'error', listener: AnyListener): this {
    return this.removeListener(event, listener);
  }

  listenerCount(event: 'message' | 'close' | 'error'): number {
    return this.listeners(event).length;
  }

  /** A copy of the event's listeners, as EventEmitter gives them. */
  listeners(event: 'message' | 'close' | 'error'): AnyListener[] {
    const slot: Slot<AnyListener> = event === 'message' ? this.messageListeners : event === 'close' ? this.closeListeners : this.errorListeners;
    return slot === undefined ? [] : Array.isArray(slot) ? [...slot] : [slot];
  }

  /**
   * One frame (text for strings, binary otherwise) in one socket write; `cb` runs once the
   * kernel has it, or with an error when the connection is not open or the write fails.
   * `options` (ws's mask/compress/fin) is accepted for compatibility and has no effect.
   */
  send(data: SendData, options?: object | SendCallback, cb?: SendCallback): void {
    const callback = typeof options === 'function' ? (options as SendCallback) : cb;
    if (this.readyState !== LeanWebSocket.OPEN) {
      if (callback) process.nextTick(callback, new Error(`WebSocket is not open: readyState ${this.readyState}`));
      return;
    }
    if (typeof data === 'string') {
      this._socket.write(encodeTextFrame(data), callback);
      return;
    }
    const payload = toBuffer(data);
    if (payload.length <= SINGLE_BUFFER_LIMIT) {
      this._socket.write(encodeFrame(Opcode.Binary, payload), callback);
      return;
    }
    // Big payloads are not copied behind a header: both writes leave in one syscall.
    this._socket.cork();
    this._socket.write(frameHeader(Opcode.Binary, payload.length));
    this._socket.write(payload, callback);
    this._socket.uncork();
  }

  /** Starts the closing handshake; the socket is destroyed if the peer has not finished it within CLOSE_TIMEOUT_MS. */
  close(code?: number, reason?: string | Buffer): void {
    if (code !== undefined && !isValidCloseCode(code)) throw new TypeError(`invalid close code ${code}`);
    if (reason !== undefined && Buffer.byteLength(reason) > 123) throw new RangeError('close reason longer than 123 bytes');
    this.sendClose(code, reason, false);
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    if (this.readyState === LeanWebSocket.CLOSED) return;
    this.readyState = LeanWebSocket.CLOSING;
    this._socket.destroy();
  }

  /** The socket's 'data', guarded: nothing thrown here may reach the socket (an uncaught exception). */
  receive(chunk: Buffer): void {
    try {
      this.parse(chunk);
    } catch (error) {
      // A listener threw while handling a message: report it and close this connection only.
      this.stopParsing();
      try {
        this.emitError(error instanceof Error ? error : new Error(String(error)));
        this.sendClose(CloseCode.InternalError, undefined, true);
      } catch {
        this._socket.destroy();
      }
    }
  }

  protected onMessage(data: Buffer, isBinary: boolean): void {
    emitTo(this.messageListeners, data, isBinary);
  }

  protected onPing(payload: Buffer): void {
    // No pong once our close frame is out: nothing may follow it.
    if (this.readyState === LeanWebSocket.OPEN && this._socket.writable) this._socket.write(encodeFrame(Opcode.Pong, payload));
  }

  protected onCloseFrame(code: number, reason: Buffer): void {
    this.flags |= CLOSE_RECEIVED;
    this.closeCode = code;
    // Copied: the reason is a slice of a socket chunk, which it would otherwise keep alive.
    this.closeReason = Buffer.from(reason);
    // Echo the peer's code (an empty close frame for none), then finish: the server closes TCP first.
    this.sendClose(code === CloseCode.NoStatus ? undefined : code, undefined, true);
  }

  protected onProtocolError(code: number, message: string): void {
    // As ws: the close frame first, then 'error' (Engine.IO then closes the transport, a no-op by then).
    this.sendClose(code, undefined, true);
    this.emitError(new WebSocketProtocolError(message, code));
  }

  /** On the socket's 'close', whatever the cause: 'close' once, with the peer's code or 1006. */
  handleSocketClose(): void {
    this.readyState = LeanWebSocket.CLOSED;
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    if ((this.flags & CLOSE_EMITTED) !== 0) return;
    this.flags |= CLOSE_EMITTED;
    emitTo(this.closeListeners, this.closeCode, this.closeReason);
  }

  /** Errors go to the listeners if any; without one they are dropped, never thrown (unlike an EventEmitter). */
  emitError(error: Error): void {
    emitTo(this.errorListeners, error);
  }

  private sendClose(code: number | undefined, reason: string | Buffer | undefined, endNow: boolean): void {
    if (this.readyState === LeanWebSocket.CLOSED) return;
    const socket = this._socket;
    if ((this.flags & CLOSE_SENT) === 0) {
      this.flags |= CLOSE_SENT;
      this.readyState = LeanWebSocket.CLOSING;
      if (socket.writable) socket.write(encodeCloseFrame(code, reason));
    }
    if (endNow || (this.flags & CLOSE_RECEIVED) !== 0) socket.end();
    // Also after end(): a peer that never closes its side would otherwise keep the socket forever.
    this.closeTimer ??= setTimeout(destroySocket, CLOSE_TIMEOUT_MS, socket).unref();
  }
}

function toBuffer(data: Exclude<SendData, string>): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

function destroySocket(socket: Socket): void {
  socket.destroy();
}

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[kConnection]?.receive(chunk);
}

/** A socket error is reported as 'error'; the socket then closes, which emits 'close'. */
function onSocketError(this: OwnedSocket, error: Error): void {
  const connection = this[kConnection];
  if (connection === undefined || connection.readyState === LeanWebSocket.CLOSED) return;
  connection.readyState = LeanWebSocket.CLOSING;
  try {
    connection.emitError(error);
  } catch {
    // A throwing listener must not turn one connection's network error into an uncaught exception.
  }
  this.destroy();
}

function onSocketClose(this: OwnedSocket): void {
  this[kConnection]?.handleSocketClose();
}
