import { fork } from 'node:child_process';
import path from 'node:path';
import { findFreePort, startAppProcess } from '@moonx-farm/test-env';
import { pinProcess, type CorePlan } from '../lib/core-pinning';
import { inspectNodeOption } from '../lib/inspector-heap';

/** A server the generator talks to: the real gateway or the baseline. */
export interface SystemUnderTest {
  kind: 'gateway' | 'baseline';
  url: string;
  pid: number;
  /** Other processes that belong to it (ingest in scenario 5), by name. */
  helpers: Record<string, number>;
  /** Loopback port of its inspector, when it was started with one (scenario 4 reads the heap there). */
  inspectorPort?: number;
  stop(): Promise<void>;
}

export interface LaunchContext {
  cores: CorePlan;
  /** Directory for --cpu-prof output, when profiling. */
  profileDir?: string;
}

export const BENCH_JWT_SECRET = 'bench-secret-with-at-least-32-characters!';

/**
 * NODE_OPTIONS may not carry --cpu-prof, so servers are profiled by a preloaded inspector session.
 * With `inspectorPort` the inspector is opened on loopback too, for reading the heap from outside;
 * it costs nothing until a session attaches, and only scenario 4 asks for it.
 */
function nodeOptionsEnv(context: LaunchContext, name: string, inspectorPort?: number): Record<string, string> {
  const tried = name === 'gateway' ? triedGatewayNodeOptions() : '';
  const options = [
    ...(context.profileDir ? [`--require ${path.join(__dirname, 'cpu-profile-preload.js')}`] : []),
    ...(inspectorPort ? [inspectNodeOption(inspectorPort)] : []),
    ...(tried ? [tried] : []),
  ];
  return {
    ...(options.length ? { NODE_OPTIONS: options.join(' ') } : {}),
    ...(context.profileDir ? { BENCH_CPU_PROFILE_DIR: context.profileDir, BENCH_CPU_PROFILE_NAME: name } : {}),
  };
}

/** Whether a server should be started with its inspector open. */
export interface InspectOption {
  inspect?: boolean;
}

/*
 * Production defaults except where one load-generating machine differs from real traffic:
 * every client comes from a handful of 127.0.0.x addresses (per-IP and per-replica connection
 * caps raised to fit 19,000), and the rooms' symbols are configured up front.
 */
export const GATEWAY_BENCH_ENV = {
  ALLOW_ANONYMOUS: 'true',
  MAX_CONNECTIONS: '25000',
  MAX_CONNECTIONS_PER_IP: '25000',
  DRAIN_WINDOW_MS: '1000',
  LOG_LEVEL: 'warn',
};

/** Gateway settings a run may try other values of: they reach the gateway from the runner's environment. */
const TUNABLE_SETTINGS = ['WEBSOCKET_ENGINE', 'V8_HEAP_GROWING_PERCENT', 'CONNECT_BURST_HEAP_GROWING_PERCENT', 'CONNECT_BURST_PER_SEC'];

/**
 * What the runner was started with that changes the gateway (settings and GATEWAY_NODE_OPTIONS),
 * as a shell prefix for the command a result records; empty when nothing was tried.
 */
export function triedSettingsPrefix(): string {
  const nodeOptions = triedGatewayNodeOptions();
  const tried = { ...tunedSettingsFromRunner(), ...(nodeOptions ? { GATEWAY_NODE_OPTIONS: nodeOptions } : {}) };
  return Object.entries(tried)
    .map(([name, value]) => `${name}=${/^[\w.,:=+-]*$/.test(value) ? value : `'${value}'`} `)
    .join('');
}

/** GATEWAY_NODE_OPTIONS from the runner's environment: Node and V8 options to try on the gateway alone ('' when none). */
function triedGatewayNodeOptions(): string {
  return (process.env['GATEWAY_NODE_OPTIONS'] ?? '').trim();
}

/** The gateway's BATCH_* and other tunable settings the runner was started with (to try other pacing, engine or heap mode). */
function tunedSettingsFromRunner(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => (entry[0].startsWith('BATCH_') || TUNABLE_SETTINGS.includes(entry[0])) && entry[1] !== undefined,
    ),
  );
}

/**
 * The real gateway, `node dist/apps/gateway/main.js`, on its own core. With `authBridge` the
 * auth bridge app is started too (the gateway verifies tokens through it, over Redis); it
 * shares the generator's cores.
 */
export async function startGateway(
  context: LaunchContext,
  redis: { host: string; port: number },
  options: { knownSymbols?: string[]; authBridge?: boolean } & InspectOption = {},
): Promise<SystemUnderTest> {
  const inspectorPort = options.inspect ? await findFreePort() : undefined;
  const redisEnv = { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port) };
  const bridge = options.authBridge
    ? await startAppProcess('auth-bridge', { portVariable: 'AUTH_BRIDGE_PORT', readyPath: '/ready', env: { ...redisEnv, JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: 'warn' } })
    : undefined;
  if (bridge) pinProcess(bridge.process.pid, context.cores.rest, context.cores);
  const app = await startAppProcess('gateway', {
    portVariable: 'WEBSOCKET_GATEWAY_PORT',
    env: {
      ...redisEnv,
      ...GATEWAY_BENCH_ENV,
      KNOWN_SYMBOLS: (options.knownSymbols ?? []).join(','),
      ...tunedSettingsFromRunner(),
      ...nodeOptionsEnv(context, 'gateway', inspectorPort),
    },
  }).catch(async (error: unknown) => {
    // A gateway that cannot start (a bad GATEWAY_NODE_OPTIONS, say) must not leave the bridge
    // running: its process would keep the runner alive after the scenario has failed.
    await bridge?.stop();
    throw error;
  });
  pinProcess(app.process.pid, context.cores.server, context.cores);
  return {
    kind: 'gateway',
    url: app.url,
    pid: app.process.pid,
    helpers: bridge ? { 'auth-bridge': bridge.process.pid } : {},
    inspectorPort,
    stop: async () => {
      await app.stop();
      await bridge?.stop();
    },
  };
}

/**
 * Consumer settings shared by ingest and the naive bridge, so both sides of scenario 5 poll
 * the test broker alike: it holds an empty fetch for the whole max wait, and 2 ms keeps the
 * Kafka leg at 1-2 ms.
 */
export const BENCH_KAFKA_CONSUMER_ENV = {
  KAFKA_MAX_WAIT_MS: '2',
  KAFKA_SESSION_TIMEOUT: '6000',
  KAFKA_HEARTBEAT_INTERVAL: '1000',
};

/** The real ingest app for scenario 5, on the server's core. */
export async function startIngest(
  context: LaunchContext,
  redis: { host: string; port: number },
  kafkaBrokers: string,
  groupId: string,
): Promise<{ pid: number; stop(): Promise<void> }> {
  const app = await startAppProcess('ingest', {
    portVariable: 'INGEST_HTTP_PORT',
    readyPath: '/ready',
    readyTimeoutMs: 30000,
    env: {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_GROUP_ID: groupId,
      ...BENCH_KAFKA_CONSUMER_ENV,
      LOG_LEVEL: 'warn',
      ...nodeOptionsEnv(context, 'ingest'),
    },
  });
  // Ingest is the gateway's side of the path, as the naive bridge's Kafka consumer runs inside its
  // server: it shares the server's core, and the generator's core is left to the clients.
  pinProcess(app.process.pid, context.cores.server, context.cores);
  return { pid: app.process.pid, stop: async () => void (await app.stop()) };
}

const INSPECTOR_NOTICE = /^(Debugger (listening on|attached|ending on)|For help, see: https:\/\/nodejs\.org)/;

/** A baseline server built beside the runner (baseline-redis.js or baseline-kafka.js). */
export async function startBaseline(
  context: LaunchContext,
  script: 'baseline-redis' | 'baseline-kafka',
  env: Record<string, string>,
  options: InspectOption = {},
): Promise<SystemUnderTest> {
  // The inspector is opened through NODE_OPTIONS, as for the gateway, so both are measured alike.
  const inspectorPort = options.inspect ? await findFreePort() : undefined;
  const child = fork(path.join(__dirname, `${script}.js`), [], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NODE_ENV: 'production', JWT_SECRET: BENCH_JWT_SECRET, ...env, ...nodeOptionsEnv(context, script, inspectorPort) },
    stdio: ['ignore', 'inherit', inspectorPort ? 'pipe' : 'inherit', 'ipc'],
  });
  // The inspector announces every session on stderr; the rest of the server's stderr goes on to ours.
  child.stderr?.on('data', (data: Buffer) => {
    const lines = data.toString().split('\n').filter((line) => line && !INSPECTOR_NOTICE.test(line));
    if (lines.length) process.stderr.write(lines.join('\n') + '\n');
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in 30 s`)), 30000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited during start (${code})`));
    });
  });
  pinProcess(child.pid ?? 0, context.cores.server, context.cores);
  return {
    kind: 'baseline',
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    helpers: {},
    inspectorPort,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}
