import { spawnTiedProcess } from './tied-process';

describe('spawnTiedProcess', () => {
  function isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('stops the program when the pipe from its parent closes, as when the parent dies', async () => {
    const program = await spawnTiedProcess('sleep', ['60']);
    expect(isAlive(program.pid)).toBe(true);
    expect(program.hasExited()).toBe(false);

    await program.stop();

    expect(await program.exited).toBe(128 + 15); // SIGTERM from the wrapper
    expect(isAlive(program.pid)).toBe(false);
  });

  it('reports a program that exits on its own, with its output', async () => {
    const program = await spawnTiedProcess('sh', ['-c', 'echo starting; echo failing >&2; exit 3']);
    expect(await program.exited).toBe(3);
    expect(program.hasExited()).toBe(true);
    expect(program.recentOutput()).toBe('starting\nfailing');
    await program.stop(); // no-op once exited
  });

  it('reports a program that is not installed as exit status 127', async () => {
    const program = await spawnTiedProcess('no-such-program-for-test-env', []);
    expect(await program.exited).toBe(127);
    expect(program.recentOutput()).toMatch(/not found/);
  });
});
