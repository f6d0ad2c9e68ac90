import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

/*
 * CPU and memory of the processes in a run, read from /proc so that the gateway (not our
 * code) is measured the same way as the generator and the baseline. CPU is reported as a
 * percentage of one core: 100 means one core fully busy.
 */

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime and stime of a process (all its threads), in seconds; NaN when it is gone. */
export function cpuTimesOf(pid: number): { user: number; kernel: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; fields count from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / CLOCK_TICKS, kernel: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return { user: NaN, kernel: NaN };
  }
}

/** Resident set size in bytes; NaN when it is gone. */
export function rssBytesOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds of the whole machine (all cores) since boot: busy, and of that the time the
 * hypervisor gave this virtual machine's cores to someone else (steal).
 */
export function machineCpuSeconds(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq + steal) / CLOCK_TICKS, steal: steal / CLOCK_TICKS };
}

export interface CpuWindow {
  /** Per named process, % of one core over the window. */
  perProcess: Record<string, number>;
  /**
   * Of perProcess, the time in user mode (the process's own code). The rest is the kernel's, on
   * its behalf: for a server mostly the socket writes, whose cost is the machine's (write probe),
   * so the user share compares code between runs far better than the total.
   */
  perProcessUser: Record<string, number>;
  /** Whole machine, % of one core (200 = both of two cores busy). */
  machine: number;
  /** Machine minus our processes: other work sharing the machine, % of one core (steal included). */
  others: number;
  /**
   * Of `others`, what the host took (steal): a virtual machine on a busy host loses its cores
   * for a while, and every process's latency grows with it whatever the code does.
   */
  steal: number;
  seconds: number;
}

/** Measures CPU of named processes between start() and stop(). */
export class CpuMeter {
  private startedAt = 0;
  private startMachine = { busy: 0, steal: 0 };
  private readonly startCpu = new Map<string, { user: number; kernel: number }>();

  constructor(private readonly pids: () => Record<string, number>) {}

  start(): void {
    this.startedAt = performance.now();
    this.startMachine = machineCpuSeconds();
    this.startCpu.clear();
    for (const [name, pid] of Object.entries(this.pids())) this.startCpu.set(name, cpuTimesOf(pid));
  }

  stop(): CpuWindow {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const percent = (cpu: number) => Math.round((cpu / seconds) * 1000) / 10;
    const perProcess: Record<string, number> = {};
    const perProcessUser: Record<string, number> = {};
    let ours = 0;
    for (const [name, pid] of Object.entries(this.pids())) {
      const end = cpuTimesOf(pid);
      const start = this.startCpu.get(name) ?? { user: NaN, kernel: NaN };
      const user = end.user - start.user;
      const used = user + end.kernel - start.kernel;
      perProcess[name] = percent(used);
      perProcessUser[name] = percent(user);
      if (Number.isFinite(used)) ours += used;
    }
    const now = machineCpuSeconds();
    const machine = now.busy - this.startMachine.busy;
    const steal = now.steal - this.startMachine.steal;
    return { perProcess, perProcessUser, machine: percent(machine), others: percent(Math.max(0, machine - ours)), steal: percent(steal), seconds };
  }
}

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  let nproc = os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // os.cpus() it is
  }
  return {
    date: new Date().toISOString(),
    nproc,
    cpuModel: model,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** Pids of our direct children whose command name starts with `prefix` (e.g. the Kafka test broker). */
export function childPidsNamed(prefix: string, parent = process.pid): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && name.startsWith(prefix)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
