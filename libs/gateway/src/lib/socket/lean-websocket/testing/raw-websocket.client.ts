import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A frame as the server sent it (servers never mask). */
export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client over a raw TCP socket, so tests can send what a real client library
 * never would (unmasked frames, bad UTF-8, broken handshakes) and see the exact bytes back.
 */
export class RawWebSocketClient {
  private received = Buffer.alloc(0);
  private readonly waiters: (() => void)[] = [];
  private ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawWebSocketClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawWebSocketClient(socket);
  }

  /** A valid handshake request, with header lines replaced or removed (null) as given. */
  static request(overrides: Record<string, string | null> = {}, method = 'GET'): string {
    const headers: Record<string, string | null> = {
      Host: '127.0.0.1',
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      ...overrides,
    };
    const lines = Object.entries(headers).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
    return `${method} / HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
  }

  /** Sends a request and resolves with the response head (and the body of a refusal once the socket closes). */
  async handshake(request = RawWebSocketClient.request(), extra: Buffer = Buffer.alloc(0)): Promise<string> {
    this.socket.write(Buffer.concat([Buffer.from(request), extra]));
    await this.until(() => this.received.includes('\r\n\r\n') || this.ended);
    const end = this.received.indexOf('\r\n\r\n') + 4;
    const head = this.received.subarray(0, end).toString();
    if (head.startsWith('HTTP/1.1 101')) {
      this.received = this.received.subarray(end);
      return head;
    }
    await this.until(() => this.ended);
    return this.received.toString();
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole frame from the server; undefined when the socket closed first. */
  async nextFrame(): Promise<ServerFrame | undefined> {
    let frame: ServerFrame | undefined;
    await this.until(() => (frame = this.takeFrame()) !== undefined || this.ended);
    return frame ?? this.takeFrame();
  }

  /** Resolves once the server has closed the TCP connection. */
  async closed(): Promise<void> {
    await this.until(() => this.ended);
  }

  private takeFrame(): ServerFrame | undefined {
    const bytes = this.received;
    if (bytes.length < 2) return undefined;
    if ((bytes[1] & 0x80) !== 0) throw new Error('the server masked a frame');
    let length = bytes[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      length = Number(bytes.readBigUInt64BE(2));
      offset = 10;
    }
    if (bytes.length < offset + length) return undefined;
    this.received = bytes.subarray(offset + length);
    return { fin: (bytes[0] & 0x80) !== 0, opcode: bytes[0] & 0x0f, payload: Buffer.from(bytes.subarray(offset, offset + length)) };
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}
