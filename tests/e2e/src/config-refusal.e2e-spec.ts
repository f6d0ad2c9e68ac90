import { spawn } from 'node:child_process';
import path from 'node:path';
import { findWorkspaceRoot } from '@moonx-farm/test-env';
import { redisEnv } from './support/gateway-e2e.helpers';

/*
 * A bad configuration stops the built app at boot with exit status 1 and a message naming
 * the variable, before it listens or touches anything.
 */
const CASES: [app: string, variable: string, env: Record<string, string>, message: RegExp][] = [
  ['auth-bridge', 'DEV_TOKENS_ENABLED', { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars', DEV_TOKENS_ENABLED: 'true' }, /must be false in production/],
  ['auth-bridge', 'JWT_SECRET', { NODE_ENV: 'production' }, /JWT_SECRET or JWKS_URL is required in production/],
  ['gateway', 'WEBSOCKET_GATEWAY_PORT', { WEBSOCKET_GATEWAY_PORT: 'abc' }, /must be a port number/],
  ['gateway', 'MAX_CONNECTIONS', { MAX_CONNECTIONS: '0' }, /must be at least 1/],
  ['gateway', 'ALLOW_ANONYMOUS', { ALLOW_ANONYMOUS: 'maybe' }, /must be true or false/],
  ['gateway', 'TRUST_PROXY', { TRUST_PROXY: 'first' }, /must be false, true \(one proxy\) or the number of proxies/],
  ['gateway', 'WEBSOCKET_ENGINE', { WEBSOCKET_ENGINE: 'uws' }, /must be "lean" \(the built-in WebSocket server\) or "ws"/],
  // Refused before it reaches V8's flags.
  ['gateway', 'V8_HEAP_GROWING_PERCENT', { V8_HEAP_GROWING_PERCENT: '500' }, /must be at most 300/],
  ['gateway', 'CONNECT_BURST_PER_SEC', { CONNECT_BURST_PER_SEC: '0' }, /must be at least 1/],
];

describe('configuration refused at boot (built apps)', () => {
  const redis = redisEnv('config');
  // All started at once: each spends its second loading modules, not waiting on the others.
  let runs: Promise<{ status: number | null; stderr: string }>[];
  beforeAll(() => {
    runs = CASES.map(([app, , env]) => runApp(app, { ...redis, ...env }));
  });

  it.each(CASES.map((item, index) => [...item, index] as const))('%s refuses a bad %s', async (_app, variable, _env, message, index) => {
    const { status, stderr } = await runs[index];
    expect(status).toBe(1);
    expect(stderr).toContain(`${variable}:`);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('See env.example');
    // A problem with the configuration is told plainly, without a stack trace.
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

function runApp(app: string, env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const root = findWorkspaceRoot();
  const child = spawn(process.execPath, [path.join(root, 'dist', 'apps', app, 'main.js')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    }),
  );
}
