import { QuietStartCache } from './quiet-start.cache';

/** A read the test answers by hand, counting the reads sent. */
function heldReads() {
  const sent: { answer: (value: number) => void; fail: (error: Error) => void }[] = [];
  const read = () => new Promise<number>((resolve, reject) => sent.push({ answer: resolve, fail: reject }));
  return { sent, read };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sends the room's read through the cache, answers it with `value` and lets the cache keep it. */
async function answered(cache: QuietStartCache<number>, room: string, reads: ReturnType<typeof heldReads>, value: number): Promise<number> {
  const start = cache.startOf(room, reads.read);
  reads.sent[reads.sent.length - 1].answer(value);
  const result = await start;
  await settle();
  return result;
}

describe('QuietStartCache', () => {
  const room = 'price:BTC-USDC';

  it('hands the joins after a read its start while the room stays quiet, with no read of their own', async () => {
    const reads = heldReads();
    const { sent, read } = reads;
    const cache = new QuietStartCache<number>(5000);
    expect(await answered(cache, room, reads, 7)).toBe(7);
    expect(await cache.startOf(room, read)).toBe(7);
    expect(await cache.startOf(room, read)).toBe(7);
    expect(sent).toHaveLength(1);
    expect(cache.size).toBe(1);
  });

  it('reads again after a message of the room, and keeps the new start', async () => {
    const reads = heldReads();
    const { sent, read } = reads;
    const cache = new QuietStartCache<number>(5000);
    expect(await answered(cache, room, reads, 7)).toBe(7);
    cache.noteMessage(room);
    const second = cache.startOf(room, read);
    expect(sent).toHaveLength(2);
    sent[1].answer(8);
    expect(await second).toBe(8);
    await settle();
    expect(await cache.startOf(room, read)).toBe(8);
    expect(sent).toHaveLength(2);
  });

  it('keeps nothing from a read during which a message of the room arrived', async () => {
    const { sent, read } = heldReads();
    const cache = new QuietStartCache<number>(5000);
    const first = cache.startOf(room, read);
    cache.noteMessage(room);
    sent[0].answer(7);
    expect(await first).toBe(7);
    await settle();
    void cache.startOf(room, read);
    expect(sent).toHaveLength(2);
  });

  it('is not disturbed by the messages of other rooms', async () => {
    const { sent, read } = heldReads();
    const cache = new QuietStartCache<number>(5000);
    const first = cache.startOf(room, read);
    cache.noteMessage('price:ETH-USDC');
    sent[0].answer(7);
    await first;
    await settle();
    expect(await cache.startOf(room, read)).toBe(7);
    expect(sent).toHaveLength(1);
  });

  it('forgets a room whose subscription was given back, even a read under way then', async () => {
    const reads = heldReads();
    const { sent, read } = reads;
    const cache = new QuietStartCache<number>(5000);
    expect(await answered(cache, room, reads, 7)).toBe(7);
    cache.noteReleased(room);
    const second = cache.startOf(room, read);
    cache.noteReleased(room);
    sent[1].answer(8);
    await second;
    await settle();
    void cache.startOf(room, read);
    expect(sent).toHaveLength(3);
  });

  it('forgets every room when the feed was interrupted', async () => {
    const { sent, read } = heldReads();
    const cache = new QuietStartCache<number>(5000);
    const starts = [cache.startOf(room, read), cache.startOf('system:alerts', read)];
    sent[0].answer(7);
    sent[1].answer(1);
    await Promise.all(starts);
    await settle();
    expect(cache.size).toBe(2);
    cache.noteInterrupted();
    expect(cache.size).toBe(0);
    void cache.startOf(room, read);
    void cache.startOf('system:alerts', read);
    expect(sent).toHaveLength(4);
  });

  it('reads again once a kept start is older than the limit', async () => {
    const reads = heldReads();
    const { sent, read } = reads;
    let now = 1000;
    const cache = new QuietStartCache<number>(5000, () => now);
    expect(await answered(cache, room, reads, 7)).toBe(7);
    now += 5000;
    expect(await cache.startOf(room, read)).toBe(7);
    now += 1;
    const late = cache.startOf(room, read);
    expect(sent).toHaveLength(2);
    sent[1].answer(9);
    expect(await late).toBe(9);
  });

  it('keeps no failed read: the next join reads again', async () => {
    const { sent, read } = heldReads();
    const cache = new QuietStartCache<number>(5000);
    const first = cache.startOf(room, read);
    sent[0].fail(new Error('store down'));
    await expect(first).rejects.toThrow('store down');
    await settle();
    void cache.startOf(room, read);
    expect(sent).toHaveLength(2);
  });
});
