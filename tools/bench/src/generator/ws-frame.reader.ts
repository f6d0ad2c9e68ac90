/*
 * A minimal reader of server-to-client WebSocket frames (RFC 6455: unmasked, unfragmented,
 * no extensions), for the load generator's receive path. `ws` still makes the connection and
 * sends; the generator reads what arrives itself because ws's receiver (a Writable stream per
 * connection, an event per message) costs about a third of the generator's CPU per frame, and
 * the generator's core is what caps the rates a benchmark can show.
 */

export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

/** Called per frame; `payload` may be a view of a reused read buffer, valid only during the call. */
export type FrameVisitor = (opcode: number, payload: Buffer) => void;

export class WsFrameReader {
  private pending: Buffer | undefined;

  constructor(private readonly visit: FrameVisitor) {}

  /**
   * Feeds the first `length` bytes of `chunk` (all of it by default), the next piece of the TCP
   * stream; calls the visitor for every complete frame in order. The chunk may be a read buffer
   * the caller reuses, so an unfinished frame is kept as a copy.
   */
  push(chunk: Buffer, length = chunk.length): void {
    const buffer = this.pending ? Buffer.concat([this.pending, chunk.subarray(0, length)]) : chunk;
    const end = this.pending ? buffer.length : length;
    this.pending = undefined;
    let at = 0;
    while (end - at >= 2) {
      const first = buffer[at];
      const second = buffer[at + 1];
      if ((first & 0x80) === 0) throw new Error('fragmented WebSocket frame: not produced by the servers under test');
      if ((first & 0x70) !== 0) throw new Error('WebSocket frame with RSV bits: compression must be off');
      if ((second & 0x80) !== 0) throw new Error('masked WebSocket frame from a server');
      let size = second & 0x7f;
      let header = 2;
      if (size === 126) {
        if (end - at < 4) break;
        size = buffer.readUInt16BE(at + 2);
        header = 4;
      } else if (size === 127) {
        if (end - at < 10) break;
        size = Number(buffer.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (end - at < header + size) break;
      this.visit(first & 0x0f, buffer.subarray(at + header, at + header + size));
      at += header + size;
    }
    if (at < end) this.pending = Buffer.from(buffer.subarray(at, end));
  }
}
