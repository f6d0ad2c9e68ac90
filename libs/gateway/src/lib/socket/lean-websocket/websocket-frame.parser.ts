import { isUtf8 } from 'node:buffer';
import { CloseCode, isValidCloseCode } from './websocket-close-codes';
import { Opcode } from './websocket-frame.writer';

const EMPTY = Buffer.alloc(0);
/** frameLength while the next frame's header is awaited. */
const AWAITING_HEADER = -1;
/** frameLength once parsing has stopped (after a close frame or a protocol error): the rest is ignored. */
const STOPPED = -2;
/**
 * Most fragments one message may have. The size limit counts bytes, and a fragment may be
 * empty: without a count, a client could grow the list forever with 6-byte frames.
 */
export const MAX_FRAGMENTS = 1024;

/**
 * Incremental parser of the frames a client sends (RFC 6455 section 5), fed with the TCP
 * socket's chunks as they come, however they are cut (down to one byte).
 *
 * It is the base class of the connection rather than an object of its own so that an idle
 * connection is ONE object: the state below is a handful of small integers and empty slots,
 * and nothing is allocated until bytes arrive. Buffers exist only while a frame is incomplete
 * (a split header, a payload spanning chunks, the fragments of a message).
 */
export abstract class WebSocketFrameParser {
  /** Bytes of a frame header cut by a chunk boundary, waiting for the rest. */
  private partialHeader: Buffer | undefined = undefined;
  /** The payload of the current frame when it spans chunks. */
  private framePayload: Buffer | undefined = undefined;
  private frameReceived = 0;
  private frameLength = AWAITING_HEADER;
  /** The current frame's first byte (FIN and opcode). */
  private frameHead = 0;
  /** The current frame's masking key as a signed 32-bit integer (a small integer in V8, no allocation). */
  private frameMask = 0;
  /** The frames of a fragmented message so far, its opcode and size. */
  private fragments: Buffer[] | undefined = undefined;
  private fragmentsOpcode = 0;
  private fragmentsLength = 0;

  protected constructor(private readonly maxPayload: number) {}

  /** A whole message: text messages are valid UTF-8 (still as a Buffer). */
  protected abstract onMessage(data: Buffer, isBinary: boolean): void;
  protected abstract onPing(payload: Buffer): void;
  /** A close frame with a valid code (1005 when it had none) and a UTF-8 reason; parsing stops. */
  protected abstract onCloseFrame(code: number, reason: Buffer): void;
  /** The peer broke the protocol: the connection must be failed with `code`; parsing stops. */
  protected abstract onProtocolError(code: number, message: string): void;

  /** Ignores everything that follows (after a close or a failure). */
  protected stopParsing(): void {
    this.frameLength = STOPPED;
    this.partialHeader = undefined;
    this.framePayload = undefined;
    this.fragments = undefined;
  }

  protected parse(data: Buffer): void {
    let chunk = data;
    if (this.partialHeader !== undefined) {
      chunk = Buffer.concat([this.partialHeader, chunk]);
      this.partialHeader = undefined;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frameLength === STOPPED) return;
      if (this.frameLength === AWAITING_HEADER) {
        const headerSize = this.readHeader(chunk, offset);
        if (headerSize === 0) {
          // Copied: keeping a slice would pin the whole chunk for as long as the header is incomplete.
          this.partialHeader = Buffer.from(chunk.subarray(offset));
          return;
        }
        if (headerSize < 0) return;
        offset += headerSize;
        // (Re-read: readHeader has just set it.)
        if ((this.frameLength as number) === 0) {
          this.completeFrame(EMPTY);
          continue;
        }
      }
      const missing = this.frameLength - this.frameReceived;
      const available = chunk.length - offset;
      if (this.framePayload === undefined && available >= missing) {
        // The whole payload is in this chunk: unmasked in place, no copy.
        const payload = chunk.subarray(offset, offset + missing);
        offset += missing;
        this.completeFrame(unmask(payload, this.frameMask));
        continue;
      }
      this.framePayload ??= Buffer.allocUnsafe(this.frameLength);
      const taken = Math.min(missing, available);
      chunk.copy(this.framePayload, this.frameReceived, offset, offset + taken);
      this.frameReceived += taken;
      offset += taken;
      if (this.frameReceived === this.frameLength) {
        const payload = this.framePayload;
        this.framePayload = undefined;
        this.completeFrame(unmask(payload, this.frameMask));
      }
    }
  }

  /** Size of the complete header at `offset`, 0 when more bytes are needed, -1 after a protocol error. */
  private readHeader(chunk: Buffer, offset: number): number {
    const available = chunk.length - offset;
    if (available < 2) return 0;
    const head = chunk[offset];
    const second = chunk[offset + 1];
    const opcode = head & 0x0f;
    const shortLength = second & 0x7f;
    const problem = this.headerProblem(head, second, opcode, shortLength);
    if (problem !== undefined) return this.fail(CloseCode.ProtocolError, problem);
    const headerSize = shortLength === 126 ? 8 : shortLength === 127 ? 14 : 6;
    if (available < headerSize) return 0;
    let length = shortLength;
    if (shortLength === 126) {
      length = chunk.readUInt16BE(offset + 2);
    } else if (shortLength === 127) {
      const high = chunk.readUInt32BE(offset + 2);
      if (high >= 0x80000000) return this.fail(CloseCode.ProtocolError, 'the most significant bit of a 64-bit length must be 0');
      // Anything needing the high word is gigabytes: beyond every payload limit.
      if (high !== 0) return this.fail(CloseCode.MessageTooBig, 'message too big');
      length = chunk.readUInt32BE(offset + 6);
    }
    if (opcode < 8 && this.fragmentsLength + length > this.maxPayload) {
      // Refused from its header: nothing of it is buffered.
      return this.fail(CloseCode.MessageTooBig, 'message too big');
    }
    this.frameHead = head;
    this.frameLength = length;
    this.frameReceived = 0;
    this.frameMask = chunk.readInt32BE(offset + headerSize - 4);
    return headerSize;
  }

  private headerProblem(head: number, second: number, opcode: number, shortLength: number): string | undefined {
    if ((head & 0x70) !== 0) return 'RSV bits must be 0 (no extension was negotiated)';
    if ((second & 0x80) === 0) return 'client frames must be masked';
    if (opcode >= 8) {
      if (opcode > Opcode.Pong) return `unknown opcode ${opcode}`;
      if ((head & 0x80) === 0) return 'control frames must not be fragmented';
      if (shortLength > 125) return 'control frames carry at most 125 bytes';
      return undefined;
    }
    if (opcode > Opcode.Binary) return `unknown opcode ${opcode}`;
    if (opcode === Opcode.Continuation && this.fragments === undefined) return 'continuation frame without a message to continue';
    if (opcode !== Opcode.Continuation && this.fragments !== undefined) return 'new message before the fragmented one was finished';
    return undefined;
  }

  private completeFrame(payload: Buffer): void {
    const head = this.frameHead;
    // Reset before any callback, which may stop parsing or close the connection.
    this.frameLength = AWAITING_HEADER;
    this.frameReceived = 0;
    this.frameMask = 0;
    const opcode = head & 0x0f;
    if (opcode >= 8) {
      this.completeControlFrame(opcode, payload);
      return;
    }
    const fin = (head & 0x80) !== 0;
    if (fin && this.fragments === undefined) {
      this.completeMessage(opcode, payload);
      return;
    }
    if (this.fragments === undefined) {
      this.fragments = [payload];
      this.fragmentsOpcode = opcode;
    } else if (this.fragments.length >= MAX_FRAGMENTS) {
      this.fail(CloseCode.MessageTooBig, `message in more than ${MAX_FRAGMENTS} fragments`);
      return;
    } else {
      this.fragments.push(payload);
    }
    this.fragmentsLength += payload.length;
    if (!fin) return;
    const message = Buffer.concat(this.fragments, this.fragmentsLength);
    const messageOpcode = this.fragmentsOpcode;
    this.fragments = undefined;
    this.fragmentsOpcode = 0;
    this.fragmentsLength = 0;
    this.completeMessage(messageOpcode, message);
  }

  private completeMessage(opcode: number, message: Buffer): void {
    if (opcode === Opcode.Text && !isUtf8(message)) {
      this.fail(CloseCode.InvalidPayload, 'text message is not valid UTF-8');
      return;
    }
    this.onMessage(message, opcode === Opcode.Binary);
  }

  private completeControlFrame(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) {
      this.onPing(payload);
      return;
    }
    if (opcode === Opcode.Pong) return;
    if (payload.length === 0) {
      this.stopParsing();
      this.onCloseFrame(CloseCode.NoStatus, EMPTY);
      return;
    }
    if (payload.length === 1) {
      this.fail(CloseCode.ProtocolError, 'close frame with a 1-byte payload');
      return;
    }
    const code = payload.readUInt16BE(0);
    if (!isValidCloseCode(code)) {
      this.fail(CloseCode.ProtocolError, `invalid close code ${code}`);
      return;
    }
    const reason = payload.subarray(2);
    if (!isUtf8(reason)) {
      this.fail(CloseCode.InvalidPayload, 'close reason is not valid UTF-8');
      return;
    }
    this.stopParsing();
    this.onCloseFrame(code, reason);
  }

  private fail(code: number, message: string): -1 {
    this.stopParsing();
    this.onProtocolError(code, message);
    return -1;
  }
}

/** XORs the payload with the 4-byte masking key, in place. */
function unmask(payload: Buffer, mask: number): Buffer {
  if (mask === 0) return payload;
  const m0 = (mask >>> 24) & 0xff;
  const m1 = (mask >>> 16) & 0xff;
  const m2 = (mask >>> 8) & 0xff;
  const m3 = mask & 0xff;
  const length = payload.length;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    payload[i] ^= m0;
    payload[i + 1] ^= m1;
    payload[i + 2] ^= m2;
    payload[i + 3] ^= m3;
  }
  for (let k = 0; i < length; i++, k++) payload[i] ^= k === 0 ? m0 : k === 1 ? m1 : m2;
  return payload;
}
