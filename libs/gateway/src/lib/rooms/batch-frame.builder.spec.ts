import { wsReferenceFrame } from '../socket/lean-websocket/testing/ws-reference-frame';
import { batchFrame, batchPacket } from './batch-frame.builder';

/** The Engine.IO message frame ws would build for a Socket.IO packet. */
const reference = (packet: string) => wsReferenceFrame(1, Buffer.from(`4${packet}`));

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
