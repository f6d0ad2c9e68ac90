import { encodeCloseFrame, encodeFrame, encodeTextFrame, frameHeader, Opcode } from './websocket-frame.writer';
import { wsReferenceFrame as wsFrame } from './testing/ws-reference-frame';

describe('websocket frame writer', () => {
  it.each([0, 1, 125, 126, 65535, 65536, 200_000])('builds the same bytes as ws for a %i-byte payload', (size) => {
    const payload = Buffer.alloc(size, 'é'.charCodeAt(0));
    expect(encodeFrame(Opcode.Binary, payload).equals(wsFrame(Opcode.Binary, payload))).toBe(true);
    const text = 'x'.repeat(size);
    expect(encodeTextFrame(text).equals(wsFrame(Opcode.Text, Buffer.from(text)))).toBe(true);
    expect(Buffer.concat([frameHeader(Opcode.Binary, size), payload]).equals(wsFrame(Opcode.Binary, payload))).toBe(true);
  });

  it('encodes multi-byte text by its UTF-8 length', () => {
    const text = '€'.repeat(50);
    expect(encodeTextFrame(text).equals(wsFrame(Opcode.Text, Buffer.from(text)))).toBe(true);
  });

  it('builds close frames with a code and reason, or empty without a code', () => {
    expect([...encodeCloseFrame(4000, 'ok')]).toEqual([0x88, 4, 0x0f, 0xa0, 0x6f, 0x6b]);
    expect([...encodeCloseFrame()]).toEqual([0x88, 0]);
  });
});
