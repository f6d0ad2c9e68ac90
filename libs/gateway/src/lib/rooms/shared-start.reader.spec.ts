import { SharedStartReader } from './shared-start.reader';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A read the test answers by hand, recording each room it was sent for. */
function heldReads() {
  const sent: { room: string; answer: (value: number) => void; fail: (error: Error) => void }[] = [];
  const read = (room: string) => new Promise<number>((resolve, reject) => sent.push({ room, answer: resolve, fail: reject }));
  return { sent, read };
}

describe('SharedStartReader', () => {
  it('sends one read for every join of a room in the same turn, and one per room', async () => {
    const { sent, read } = heldReads();
    const reader = new SharedStartReader(read);
    const alerts = Array.from({ length: 5 }, () => reader.startOf('system:alerts'));
    const price = reader.startOf('price:BTC-USDC');
    expect(sent).toHaveLength(0);
    await nextTurn();
    expect(sent.map((read) => read.room)).toEqual(['system:alerts', 'price:BTC-USDC']);
    sent[0].answer(7);
    sent[1].answer(3);
    expect(await Promise.all(alerts)).toEqual([7, 7, 7, 7, 7]);
    expect(await price).toBe(3);
  });

  it('never hands a join a read sent before it asked: a later join gets a read of its own', async () => {
    const { sent, read } = heldReads();
    const reader = new SharedStartReader(read);
    const first = reader.startOf('price:BTC-USDC');
    await nextTurn();
    expect(sent).toHaveLength(1);
    // The first read is on its way (not answered yet); a join now must not share it.
    const later = reader.startOf('price:BTC-USDC');
    await nextTurn();
    expect(sent).toHaveLength(2);
    sent[1].answer(9);
    sent[0].answer(8);
    expect(await first).toBe(8);
    expect(await later).toBe(9);
  });

  it('fails every join that shared a failed read, and the next join reads again', async () => {
    const { sent, read } = heldReads();
    const reader = new SharedStartReader(read);
    const joins = [reader.startOf('user:alice'), reader.startOf('user:alice')];
    await nextTurn();
    sent[0].fail(new Error('store unreachable'));
    await expect(Promise.all(joins.map((join) => join.catch((error: Error) => error.message)))).resolves.toEqual(['store unreachable', 'store unreachable']);
    const retry = reader.startOf('user:alice');
    await nextTurn();
    sent[1].answer(1);
    await expect(retry).resolves.toBe(1);
  });

  it('fails the joins, not the process, when the read throws before it returns a promise', async () => {
    const reader = new SharedStartReader<number>(() => {
      throw new Error('bad room');
    });
    await expect(reader.startOf('price:BTC-USDC')).rejects.toThrow('bad room');
  });
});
