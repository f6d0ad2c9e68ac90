import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';

const failing = () => Promise.reject(new Error('down'));
const succeeding = () => Promise.resolve('ok');

function breakerWithClock(options = { failureThreshold: 3, openForMs: 1000, timeoutMs: 50 }) {
  const clock = { now: 10_000 };
  const breaker = new CircuitBreaker('dependency', options, () => clock.now);
  return { breaker, clock };
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold and a success resets the count', async () => {
    const { breaker } = breakerWithClock();
    for (let round = 0; round < 3; round++) {
      await expect(breaker.call(failing)).rejects.toThrow('down');
      await expect(breaker.call(failing)).rejects.toThrow('down');
      await expect(breaker.call(succeeding)).resolves.toBe('ok');
    }
    expect(breaker.currentState).toBe('closed');
  });

  it('opens after consecutive failures and then fails fast without calling the dependency', async () => {
    const { breaker } = breakerWithClock();
    for (let attempt = 0; attempt < 3; attempt++) await expect(breaker.call(failing)).rejects.toThrow('down');
    expect(breaker.currentState).toBe('open');
    const operation = jest.fn(succeeding);
    await expect(breaker.call(operation)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(breaker.call(operation)).rejects.toThrow('dependency is unavailable (circuit open)');
    expect(operation).not.toHaveBeenCalled();
  });

  it('lets exactly one trial through after openForMs; its success closes the circuit', async () => {
    const { breaker, clock } = breakerWithClock();
    for (let attempt = 0; attempt < 3; attempt++) await expect(breaker.call(failing)).rejects.toThrow();
    clock.now += 999;
    expect(breaker.currentState).toBe('open');
    clock.now += 1;
    expect(breaker.currentState).toBe('half-open');

    let finishTrial: (value: string) => void = () => undefined;
    const trial = breaker.call(() => new Promise<string>((resolve) => (finishTrial = resolve)));
    const second = jest.fn(succeeding);
    await expect(breaker.call(second)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(second).not.toHaveBeenCalled();
    finishTrial('recovered');
    await expect(trial).resolves.toBe('recovered');
    expect(breaker.currentState).toBe('closed');
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
  });

  it('reopens for another openForMs when the trial fails', async () => {
    const { breaker, clock } = breakerWithClock();
    for (let attempt = 0; attempt < 3; attempt++) await expect(breaker.call(failing)).rejects.toThrow();
    clock.now += 1000;
    await expect(breaker.call(failing)).rejects.toThrow('down');
    expect(breaker.currentState).toBe('open');
    clock.now += 999;
    await expect(breaker.call(succeeding)).rejects.toBeInstanceOf(CircuitOpenError);
    clock.now += 1;
    await expect(breaker.call(succeeding)).resolves.toBe('ok');
  });

  it('counts a call slower than timeoutMs as a failure and aborts its signal', async () => {
    const { breaker } = breakerWithClock({ failureThreshold: 2, openForMs: 1000, timeoutMs: 30 });
    const signals: AbortSignal[] = [];
    const hanging = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>(() => undefined);
    };
    const startedAt = Date.now();
    await expect(breaker.call(hanging)).rejects.toThrow('dependency did not answer within 30 ms');
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(signals[0].aborted).toBe(true);
    await expect(breaker.call(hanging)).rejects.toThrow('did not answer');
    expect(breaker.currentState).toBe('open');
  });

  it('does not abort the signal of a call that answered in time', async () => {
    const { breaker } = breakerWithClock();
    let seen: AbortSignal | undefined;
    await breaker.call(async (signal) => {
      seen = signal;
      return 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(seen?.aborted).toBe(false);
  });

  it('counts an operation that throws synchronously as a failure', async () => {
    const { breaker } = breakerWithClock({ failureThreshold: 1, openForMs: 1000, timeoutMs: 50 });
    await expect(
      breaker.call(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.currentState).toBe('open');
  });
});
