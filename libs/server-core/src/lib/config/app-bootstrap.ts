import type { LogLevel } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { ConfigError } from './env-parsing';

const LEVELS: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/** Nest logger levels for LOG_LEVEL. */
export function nestLogLevels(level: string): LogLevel[] {
  return LEVELS[level] ?? LEVELS['info'];
}

/**
 * Runs an app's main function: a configuration error prints its message (naming each bad
 * variable) and exits 1 without a stack trace; anything else prints the stack and exits 1.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  loadDotEnv();
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\nSee env.example for every variable.\n`);
    } else {
      process.stderr.write(`${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}

/**
 * SIGTERM/SIGINT run `beforeClose` (the gateway's drain), close the app (Nest shutdown hooks
 * run: consumers stop, connections close) and exit 0, which is what orchestrators expect of a clean stop. A second signal, or a close
 * that outlives `forceAfterMs`, exits at once.
 */
export function exitCleanlyOnSignals(
  app: { close(): Promise<void> },
  options: { beforeClose?: () => Promise<void>; forceAfterMs?: number } = {},
): void {
  const forceAfterMs = options.forceAfterMs ?? 30000;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    process.stderr.write(`received ${signal}, shutting down\n`);
    setTimeout(() => process.exit(1), forceAfterMs).unref();
    Promise.resolve()
      .then(() => options.beforeClose?.())
      .then(() => app.close())
      .then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Reads `./.env` when present (as `cp env.example .env` suggests); real env vars win. */
function loadDotEnv(): void {
  if (!existsSync('.env')) return;
  const before = { ...process.env };
  process.loadEnvFile('.env');
  Object.assign(process.env, before);
}
