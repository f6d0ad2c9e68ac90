import WebSocket from 'ws';
import { batchFrame, batchPacket } from './batch-frame.builder';

interface FrameOptions {
  readOnly: boolean;
  mask: boolean;
  rsv1: boolean;
  opcode: number;
  fin: boolean;
}
/** ws's own frame builder, the reference the bytes must match. */
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };
const reference = (packet: string) =>
  Buffer.concat(Sender.frame(Buffer.from(`4${packet}`), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }));

describe('batchFrame', () => {
  const update = (n: number, size = 20) => JSON.stringify(['price_update', { seq: n, pad: 'é'.repeat(size) }]);

  it.each([
    ['a lone update', [update(1)]],
    ['a batch under 126 bytes', [update(1, 1), update(2, 1)]],
    ['a batch with a 16-bit length', Array.from({ length: 40 }, (_, i) => update(i))],
    ['a batch with a 64-bit length', Array.from({ length: 900 }, (_, i) => update(i, 60))],
  ])('builds the same bytes as ws for %s', (_name, updates) => {
    const frame = batchFrame(updates.map((body) => Buffer.from(body)));
    expect(frame.equals(reference(batchPacket(updates)))).toBe(true);
  });

  it('is valid JSON after the Engine.IO and Socket.IO type bytes', () => {
    const frame = batchFrame([update(1, 1), update(2, 1)].map((body) => Buffer.from(body)));
    expect(frame[1]).toBeLessThan(126);
    const text = frame.subarray(2).toString();
    expect(text.slice(0, 2)).toBe('42');
    expect(JSON.parse(text.slice(2))).toEqual(['batch', [JSON.parse(update(1, 1)), JSON.parse(update(2, 1))]]);
  });
});
