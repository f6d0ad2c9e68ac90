/** RFC 6455 opcodes (section 5.2). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** Above this payload size a frame's header and payload go out as two writes under one cork instead of one copy. */
export const SINGLE_BUFFER_LIMIT = 64 * 1024;

/** Bytes of a server frame's header (servers never mask, so no masking key). */
export function frameHeaderSize(payloadLength: number): number {
  if (payloadLength < 126) return 2;
  return payloadLength < 65536 ? 4 : 10;
}

/** Writes a final, unmasked frame header at the start of `target`; returns its size. */
export function writeFrameHeader(target: Buffer, opcode: number, payloadLength: number): number {
  target[0] = 0x80 | opcode;
  if (payloadLength < 126) {
    target[1] = payloadLength;
    return 2;
  }
  if (payloadLength < 65536) {
    target[1] = 126;
    target.writeUInt16BE(payloadLength, 2);
    return 4;
  }
  target[1] = 127;
  // Payloads here are far below 2^32 (bounded by memory), but the field is 64-bit.
  target.writeUInt32BE(Math.floor(payloadLength / 0x100000000), 2);
  target.writeUInt32BE(payloadLength >>> 0, 6);
  return 10;
}

/** A frame header on its own, for payloads sent as a second write. */
export function frameHeader(opcode: number, payloadLength: number): Buffer {
  const header = Buffer.allocUnsafe(frameHeaderSize(payloadLength));
  writeFrameHeader(header, opcode, payloadLength);
  return header;
}

/** One whole frame (header and payload in one Buffer, so one kernel write). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderSize(payload.length) + payload.length);
  payload.copy(frame, writeFrameHeader(frame, opcode, payload.length));
  return frame;
}

/** One whole text frame from a string, encoding the UTF-8 straight into the frame (no intermediate copy). */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(frameHeaderSize(length) + length);
  frame.write(text, writeFrameHeader(frame, Opcode.Text, length), 'utf8');
  return frame;
}

/** A close frame; without a code its payload is empty (the peer then reports 1005, as with ws). */
export function encodeCloseFrame(code?: number, reason?: string | Buffer): Buffer {
  if (code === undefined) return encodeFrame(Opcode.Close, Buffer.alloc(0));
  const reasonBytes = typeof reason === 'string' ? Buffer.from(reason) : (reason ?? Buffer.alloc(0));
  const payload = Buffer.allocUnsafe(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return encodeFrame(Opcode.Close, payload);
}
