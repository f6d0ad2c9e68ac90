import { existsSync } from 'node:fs';
import path from 'node:path';
import { findWorkspaceRoot } from './ensure-binaries';
import { findFreePort } from './net-utils';
import { spawnTiedProcess, type TiedProcess } from './tied-process';

export interface AppProcessHandle {
  name: string;
  /** The HTTP port the app listens on. */
  port: number;
  url: string;
  process: TiedProcess;
  /** SIGTERM (graceful) by default; resolves with the exit status. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<number>;
}

export interface AppProcessOptions {
  /** Environment on top of a clean base (PATH, HOME; NODE_ENV=test). */
  env: Record<string, string>;
  /** The env variable that carries the HTTP port; a free port is put there. */
  portVariable: string;
  /** Path polled until it answers 2xx. */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/**
 * Starts a built app (`dist/apps/<name>/main.js`, from `npm run build`) as its own process,
 * as it runs in production, and waits until it answers on `readyPath`.
 */
export async function startAppProcess(name: string, options: AppProcessOptions): Promise<AppProcessHandle> {
  const root = findWorkspaceRoot();
  const main = path.join(root, 'dist', 'apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${path.relative(root, main)} is missing: run \`npm run build\` first`);
  const port = await findFreePort();
  const child = await spawnTiedProcess(process.execPath, [main], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...options.env,
      [options.portVariable]: String(port),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20000);
  const readyPath = options.readyPath ?? '/health';
  for (;;) {
    if (child.hasExited()) throw new Error(`${name} exited during start:\n${child.recentOutput()}`);
    const ok = await fetch(url + readyPath).then((response) => response.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${name} was not ready on ${readyPath} in time:\n${child.recentOutput()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name,
    port,
    url,
    process: child,
    stop: async (signal = 'SIGTERM') => {
      if (!child.hasExited()) {
        if (signal === 'SIGKILL') process.kill(child.pid, 'SIGKILL');
        else await child.stop(15000);
      }
      return child.exited;
    },
  };
}
