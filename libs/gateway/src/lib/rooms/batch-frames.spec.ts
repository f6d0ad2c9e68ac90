import { batchFrame } from './batch-frame.builder';
import { BatchFrames } from './batch-frames';

describe('BatchFrames', () => {
  const update = (n: number, size = 20) => ({ bytes: Buffer.from(JSON.stringify(['price_update', { seq: n, pad: 'x'.repeat(size) }])) });
  const expected = (...items: { bytes: Buffer }[]) => batchFrame(items.map((item) => item.bytes));

  it('gives sockets owed the same updates the same frame until a new update arrives', () => {
    const frames = new BatchFrames();
    frames.startPass();
    const first = frames.frameFor('0|price:A', [update(1), update(2)], 2, true);
    expect(frames.frameFor('0|price:A', [update(1), update(2)], 2, true)).toBe(first);
    expect(first.equals(expected(update(1), update(2)))).toBe(true);
    // A new update: the same key now stands for other updates.
    const later = frames.frameFor('0|price:A', [update(1), update(2), update(3)], 3, true);
    expect(later).not.toBe(first);
    expect(later.equals(expected(update(1), update(2), update(3)))).toBe(true);
    // A shared frame is written to many sockets, so it never lives in the reused buffer.
    expect(frames.frameFor(undefined, [update(9)], 3, true).buffer).not.toBe(first.buffer);
  });

  it('stops keying a pass whose first 64 lookups found less than a quarter to share, and tries again next pass', () => {
    const frames = new BatchFrames();
    frames.startPass();
    for (let socket = 0; socket < 63; socket++) frames.frameFor(`0|room:${socket}`, [update(socket)], 1, true);
    expect(frames.sharing).toBe(true);
    frames.frameFor('0|room:63', [update(63)], 1, true);
    expect(frames.sharing).toBe(false);
    frames.startPass();
    expect(frames.sharing).toBe(true);
  });

  it('keeps keying when sockets share', () => {
    const frames = new BatchFrames();
    frames.startPass();
    for (let socket = 0; socket < 200; socket++) frames.frameFor(`0|room:${socket % 4}`, [update(socket % 4)], 1, true);
    expect(frames.sharing).toBe(true);
  });

  it('builds frames of their own in one reused buffer, correct each time', () => {
    const frames = new BatchFrames();
    const one = frames.frameFor(undefined, [update(1)], 1, true);
    expect(one.equals(expected(update(1)))).toBe(true);
    const two = frames.frameFor(undefined, [update(2), update(3)], 3, true);
    expect(two.buffer).toBe(one.buffer);
    expect(two.equals(expected(update(2), update(3)))).toBe(true);
  });

  it('never reuses a buffer a socket stream kept, nor builds in it for a socket with bytes queued', () => {
    const frames = new BatchFrames();
    const kept = frames.frameFor(undefined, [update(1)], 1, true);
    const copy = Buffer.from(kept);
    frames.kept(kept);
    const next = frames.frameFor(undefined, [update(2, 200)], 2, true);
    expect(next.buffer).not.toBe(kept.buffer);
    expect(kept.equals(copy)).toBe(true);
    // A socket with bytes queued gets a buffer of its own: its stream will keep what it is given.
    const queued = frames.frameFor(undefined, [update(3)], 3, false);
    expect(queued.buffer).not.toBe(next.buffer);
    // Keeping a frame that is not in the reused buffer changes nothing.
    frames.kept(queued);
    expect(frames.frameFor(undefined, [update(4)], 4, true).buffer).toBe(next.buffer);
  });

  it('gives a frame larger than the reused buffer a buffer of its own', () => {
    const frames = new BatchFrames();
    const small = frames.frameFor(undefined, [update(1)], 1, true);
    const items = Array.from({ length: 100 }, (_, i) => update(i, 1000));
    const large = frames.frameFor(undefined, items, 100, true);
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.equals(expected(...items))).toBe(true);
  });
});
