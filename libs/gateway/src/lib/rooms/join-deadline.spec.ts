import { JoinDeadline, JoinTimeoutError } from './join-deadline';

describe('JoinDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets work that ends in time through, and never calls back once cleared', async () => {
    const expired = jest.fn();
    const deadline = new JoinDeadline(100, 'joining "price:A"', expired);
    await expect(deadline.within(Promise.resolve(7))).resolves.toBe(7);
    await expect(deadline.within(Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    deadline.clear();
    jest.advanceTimersByTime(1000);
    expect(expired).not.toHaveBeenCalled();
    expect(deadline.expired).toBe(false);
  });

  it('fails work still waiting when the time is up, tells the caller once, and fails later waits at once', async () => {
    const expired = jest.fn();
    const deadline = new JoinDeadline(100, 'joining "price:A"', expired);
    const hung = deadline.within(new Promise<never>(() => undefined));
    jest.advanceTimersByTime(100);
    await expect(hung).rejects.toThrow(new JoinTimeoutError('joining "price:A": no answer from the room store within 100 ms'));
    expect(expired).toHaveBeenCalledTimes(1);
    expect(expired.mock.calls[0][0]).toBeInstanceOf(JoinTimeoutError);
    expect(deadline.expired).toBe(true);
    // A wait that starts after the time is up (a join that was queued behind a hung one).
    await expect(deadline.within(Promise.resolve(1))).rejects.toBeInstanceOf(JoinTimeoutError);
    jest.advanceTimersByTime(1000);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('leaves no unhandled rejection, whether nothing waits when the time is up or work fails after it', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      // Nothing waits on it when the time is up (the join is still queued behind another).
      new JoinDeadline(100, 'joining "price:A"', () => undefined);
      const deadline = new JoinDeadline(100, 'joining "price:B"', () => undefined);
      let fail: (error: Error) => void = () => undefined;
      const late = deadline.within(new Promise<never>((_resolve, reject) => (fail = reject)));
      jest.advanceTimersByTime(100);
      await expect(late).rejects.toBeInstanceOf(JoinTimeoutError);
      fail(new Error('connection closed'));
      jest.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
