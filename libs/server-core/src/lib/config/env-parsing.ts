import { z } from 'zod';

/*
 * Environment variables arrive as strings. These helpers turn them into typed values with
 * messages that name what was expected, so a bad value stops the process with a sentence
 * an operator can act on.
 */

export const portVar = (fallback: number) =>
  z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535').default(fallback);

export const intVar = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).default(fallback);

export const boolVar = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .default(fallback);

export const listVar = (fallback: string[]) =>
  z
    .string()
    .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0))
    .default(fallback);

export const optionalText = () =>
  z
    .string()
    .transform((value) => (value.trim().length === 0 ? undefined : value.trim()))
    .optional();

export const nodeEnvVar = () => z.enum(['development', 'production', 'test']).default('development');
export const logLevelVar = () => z.enum(['error', 'warn', 'info', 'debug']).default('info');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` against an app's schema. Throws ConfigError naming every bad variable
 * (never echoing values of variables whose name suggests a secret).
 */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  // An empty value (`KAFKA_SASL_MECHANISM=` copied from env.example) means "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const raw = env[name];
    const shown = raw === undefined ? 'unset' : isSecretName(name) ? '(hidden)' : JSON.stringify(raw.slice(0, 60));
    return `${name}: ${issue.message} (got ${shown})`;
  });
  throw new ConfigError(problems);
}

export function isSecretName(name: string): boolean {
  return /PASSWORD|SECRET|TOKEN|KEY$|PRIVATE/i.test(name) && !/KEY_PREFIX/.test(name);
}

/** A boolean with no default: undefined when unset, so the caller can derive one. */
export const optionalBoolVar = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .optional();
