/** How a test frame is built: everything a client could get wrong, defaulting to a correct frame. */
export interface ClientFrameOptions {
  fin?: boolean;
  masked?: boolean;
  rsv?: number;
  /** Force a length encoding (7, 16 or 64 bits) whatever the payload size. */
  lengthBits?: 7 | 16 | 64;
  /** Raw 64-bit length high word, for invalid lengths. */
  lengthHigh?: number;
  mask?: [number, number, number, number];
}

/** A frame as a client sends it (masked unless told otherwise), for feeding the parser and raw sockets. */
export function clientFrame(opcode: number, payload: Buffer | string = Buffer.alloc(0), options: ClientFrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const masked = options.masked ?? true;
  const bits = options.lengthBits ?? (data.length < 126 ? 7 : data.length < 65536 ? 16 : 64);
  const header: number[] = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (bits === 7) {
    header.push(maskBit | data.length);
  } else if (bits === 16) {
    header.push(maskBit | 126, data.length >> 8, data.length & 0xff);
  } else {
    const high = options.lengthHigh ?? 0;
    const low = data.length;
    header.push(maskBit | 127, (high >>> 24) & 0xff, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff);
    header.push((low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), data]);
  const mask = options.mask ?? [0x12, 0x34, 0x56, 0x78];
  const body = Buffer.from(data.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([Buffer.from(header), Buffer.from(mask), body]);
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const reasonBytes = typeof reason === 'string' ? Buffer.from(reason) : reason;
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return payload;
}

/** Cuts bytes into chunks of `size` (1 = byte by byte), as TCP may deliver them. */
export function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(Buffer.from(bytes.subarray(offset, offset + size)));
  return chunks;
}
