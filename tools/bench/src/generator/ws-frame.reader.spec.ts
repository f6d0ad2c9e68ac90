import { OPCODE_CLOSE, OPCODE_TEXT, WsFrameReader } from './ws-frame.reader';

function serverFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
  return Buffer.concat([header, payload]);
}

describe('WsFrameReader', () => {
  const payloads = [Buffer.from('42["price_update",{"seq":1}]'), Buffer.alloc(300, 0x61), Buffer.alloc(70000, 0x62), Buffer.from('2')];
  const stream = Buffer.concat([...payloads.map((payload) => serverFrame(OPCODE_TEXT, payload)), serverFrame(OPCODE_CLOSE, Buffer.alloc(0))]);

  it.each([1, 2, 3, 7, 64, 1000, stream.length])('reads every frame whole and in order, in chunks of %i bytes', (size) => {
    const seen: [number, string][] = [];
    const reader = new WsFrameReader((opcode, payload) => seen.push([opcode, payload.toString('latin1')]));
    for (let at = 0; at < stream.length; at += size) reader.push(stream.subarray(at, at + size));
    expect(seen).toEqual([...payloads.map((payload): [number, string] => [OPCODE_TEXT, payload.toString('latin1')]), [OPCODE_CLOSE, '']]);
  });

  it('reads only the given length of a read buffer the caller reuses, and keeps an unfinished frame', () => {
    const seen: string[] = [];
    const reader = new WsFrameReader((_opcode, payload) => seen.push(payload.toString('latin1')));
    // As the client's shared read buffer: longer than each read, its tail left from other reads.
    const reused = Buffer.alloc(stream.length + 100);
    for (let at = 0; at < stream.length; at += 100) {
      const chunk = stream.subarray(at, at + 100);
      reused.fill(0x7a);
      chunk.copy(reused);
      reader.push(reused, chunk.length);
    }
    expect(seen).toEqual([...payloads.map((payload) => payload.toString('latin1')), '']);
  });

  it('refuses what the servers under test never send', () => {
    const reader = new WsFrameReader(() => undefined);
    expect(() => reader.push(Buffer.from([0x01, 0x01, 0x61]))).toThrow(/fragmented/);
    expect(() => reader.push(Buffer.from([0xc1, 0x01, 0x61]))).toThrow(/RSV/);
    expect(() => reader.push(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61]))).toThrow(/masked/);
  });
});
