import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * A server process whose lifetime is tied to ours. Node cannot ask the kernel to kill a child
 * when the parent dies (no PR_SET_PDEATHSIG), so the program runs under a small `sh` wrapper
 * that holds our stdin pipe: when we close it, or when we die for any reason (even SIGKILL of
 * a crashed Jest), `cat` sees EOF and the wrapper sends SIGTERM to the program. A test run can
 * therefore never leave a redis-server behind.
 */
export interface TiedProcess {
  /** Pid of the program itself (not of the `sh` wrapper). */
  readonly pid: number;
  /** Settles with the program's exit status (128 + signal when it was killed). */
  readonly exited: Promise<number>;
  /** True once the program has exited. */
  hasExited(): boolean;
  /** The last lines the program wrote to stdout/stderr, for error messages. */
  recentOutput(): string;
  /** SIGTERM through the wrapper, SIGKILL after `timeoutMs`; resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

// "$@" keeps the arguments unquoted-safe. The program's stdout goes to stderr so that our
// stdout carries only the pid line. Asynchronous lists get /dev/null as stdin in a
// non-interactive shell, hence the explicit `<&3` for the watcher.
const WRAPPER_SCRIPT = [
  'exec 3<&0',
  '"$@" 1>&2 </dev/null &',
  'pid=$!',
  'echo "$pid"',
  '{ cat >/dev/null; kill "$pid" 2>/dev/null; } <&3 >/dev/null 2>&1 &',
  'exec 3<&-',
  'wait "$pid"',
].join('\n');

const OUTPUT_LINES_KEPT = 40;

export async function spawnTiedProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TiedProcess> {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    'sh',
    ['-c', WRAPPER_SCRIPT, 'tied-process', command, ...args],
    { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] },
  );

  // Always drain the program's output: a full pipe would block the server.
  const lines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    lines.push(line);
    if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
  });
  const recentOutput = (): string => lines.join('\n');

  let exitStatus: number | undefined;
  const exited = new Promise<number>((resolve) => {
    // Releases the watcher `cat` if the program died on its own.
    child.once('exit', () => child.stdin.destroy());
    // 'close' comes after 'exit' once stdout/stderr are drained, so recentOutput() is complete.
    child.once('close', (code, signal) => {
      exitStatus = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolve(exitStatus);
    });
  });
  child.stdin.on('error', () => undefined); // EPIPE after the wrapper is gone is expected

  const pid = await new Promise<number>((resolve, reject) => {
    const stdout = createInterface({ input: child.stdout });
    stdout.once('line', (line) => resolve(Number(line)));
    child.once('error', reject);
    void exited.then(() => reject(new Error(`${command} exited at once:\n${recentOutput()}`)));
  });

  const hasExited = (): boolean => exitStatus !== undefined;

  const stop = async (timeoutMs = 5000): Promise<void> => {
    if (hasExited()) return;
    child.stdin.end();
    const timer = setTimeout(() => {
      killQuietly(pid);
      killQuietly(child.pid);
    }, timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  return { pid, exited, hasExited, recentOutput, stop };
}

function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
