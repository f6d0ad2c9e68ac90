import { execFileSync } from 'node:child_process';

/*
 * The server under test gets a core of its own; everything else (generator, Redis, the feed,
 * the runner) shares the rest. Without that a saturated generator steals the server's CPU and
 * the two are impossible to tell apart.
 */
export interface CorePlan {
  server: string;
  rest: string;
  /** False when taskset is missing or there is a single core: nothing is pinned. */
  pinned: boolean;
}

export function planCores(nproc: number): CorePlan {
  if (nproc < 2 || !hasTaskset()) return { server: 'all', rest: 'all', pinned: false };
  const last = nproc - 1;
  return { server: String(last), rest: last === 1 ? '0' : `0-${last - 1}`, pinned: true };
}

/** Pins every thread of `pid`; threads started later inherit the mask from their creator. */
export function pinProcess(pid: number, cores: string, plan: CorePlan): void {
  if (!plan.pinned || !pid) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
  } catch {
    // The process may have exited; the CPU figures will show it.
  }
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Raises this process's open-file limit (children inherit it): 19,000 sockets need more
 * than the usual 1,024 or 20,000. Needs root (CAP_SYS_RESOURCE) to go past the hard limit.
 */
export function raiseFileLimit(wanted: number): number {
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${wanted}:${wanted}`], { stdio: 'ignore' });
  } catch {
    // keep what we have
  }
  try {
    const out = execFileSync('prlimit', ['--pid', String(process.pid), '--nofile', '--raw', '--noheadings', '--output=SOFT'], { encoding: 'utf8' });
    return Number(out.trim());
  } catch {
    return NaN;
  }
}
