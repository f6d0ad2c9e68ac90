import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type {
  ConnectCommand,
  ConnectResult,
  GeneratorCommand,
  GeneratorReply,
  GeneratorStats,
  ProgressResult,
} from './generator-protocol';

/** The runner's side of one load generator process. */
export class LoadGeneratorHandle {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: GeneratorReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(reply.error));
    });
    child.on('exit', (code, signal) => {
      const error = new Error(`load generator exited (${signal ?? code})`);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  /** Forks dist/tools/bench/load-generator.js (built beside the runner). */
  static async start(options: { heapMb?: number; profileDir?: string } = {}): Promise<LoadGeneratorHandle> {
    const script = path.join(__dirname, 'load-generator.js');
    const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=generator-${Date.now()}.cpuprofile`] : [];
    const child = fork(script, [], {
      execArgv: [`--max-old-space-size=${options.heapMb ?? 4096}`, ...profile],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`load generator exited during start (${code})`)));
    });
    return new LoadGeneratorHandle(child);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  connect(command: Omit<ConnectCommand, 'type'>): Promise<ConnectResult> {
    return this.send({ type: 'connect', ...command }) as Promise<ConnectResult>;
  }

  reset(trackUpdates = false): Promise<void> {
    return this.send({ type: 'reset', trackUpdates }).then(() => undefined);
  }

  progress(): Promise<ProgressResult> {
    return this.send({ type: 'progress' }) as Promise<ProgressResult>;
  }

  stats(): Promise<GeneratorStats> {
    return this.send({ type: 'stats' }) as Promise<GeneratorStats>;
  }

  closeClients(): Promise<void> {
    return this.send({ type: 'close' }).then(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private send(command: GeneratorCommand): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, command }, (error) => {
        if (error) {
          this.waiting.delete(id);
          reject(error);
        }
      });
    });
  }
}
