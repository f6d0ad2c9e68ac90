import { JoinQueue } from './join-queue';

/** A queue, a connection, and joins the test finishes by hand, recording when each started. */
function heldJoins() {
  const queue = new JoinQueue<object>();
  const connection = {};
  const started: string[] = [];
  const finish = new Map<string, { done: () => void; fail: (error: Error) => void }>();
  const join = (name: string) => () =>
    new Promise<void>((resolve, reject) => {
      started.push(name);
      finish.set(name, { done: resolve, fail: reject });
    });
  return { queue, connection, started, finish: (name: string) => finish.get(name), join };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('JoinQueue', () => {
  it('starts a join at once, in the caller turn, when no other join of the room is under way', () => {
    const { queue, connection, started, join } = heldJoins();
    void queue.run(connection, 'user:a', join('first'));
    expect(started).toEqual(['first']);
  });

  it('runs joins of one room by one connection in turn, and other rooms and connections alongside', async () => {
    const { queue, connection, started, finish, join } = heldJoins();
    const onConnect = queue.run(connection, 'user:a', join('on connect'));
    const resume = queue.run(connection, 'user:a', join('resume'));
    void queue.run(connection, 'portfolio:a', join('other room'));
    void queue.run({}, 'user:a', join('other connection'));
    await settle();
    expect(started).toEqual(['on connect', 'other room', 'other connection']);

    finish('on connect')?.done();
    await onConnect;
    await settle();
    expect(started).toEqual(['on connect', 'other room', 'other connection', 'resume']);
    finish('resume')?.done();
    await resume;
  });

  it('goes on to the next join when one fails, and hands the caller its own outcome', async () => {
    const { queue, connection, started, finish, join } = heldJoins();
    const failing = queue.run(connection, 'user:a', join('failing'));
    const next = queue.run(connection, 'user:a', join('next'));
    finish('failing')?.fail(new Error('store down'));
    await expect(failing).rejects.toThrow('store down');
    await settle();
    expect(started).toEqual(['failing', 'next']);
    finish('next')?.done();
    await expect(next).resolves.toBeUndefined();
  });

  it('forgets a room once its last join is over: the next join starts at once again', async () => {
    const { queue, connection, started, finish, join } = heldJoins();
    const first = queue.run(connection, 'user:a', join('first'));
    finish('first')?.done();
    await first;
    await settle();
    void queue.run(connection, 'user:a', join('later'));
    expect(started).toEqual(['first', 'later']);
  });
});
