import { tmpdir } from 'node:os';
import { LOCALHOST, delay, findFreePort, redisCommand, waitUntil } from './net-utils';
import { spawnTiedProcess, type TiedProcess } from './tied-process';

export interface RedisServerOptions {
  /** Fixed port; by default a free one is picked. */
  port?: number;
  /** More `redis-server` arguments, e.g. `['--maxmemory', '1mb']`. */
  extraArgs?: readonly string[];
  /** How long to wait until it answers (default 10 s). */
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server and waits until the process has exited (the port is free then). */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port; data is not kept. */
  restart(): Promise<void>;
  /**
   * SIGSTOP: a hung Redis. Its connections stay open and nothing is answered, which no client
   * notices on its own (a dead one would close them). `thaw` lets it go on.
   */
  freeze(): void;
  thaw(): void;
}

const PORT_ATTEMPTS = 5;

class PortInUseError extends Error {}

/**
 * Starts a throw-away redis-server on 127.0.0.1 with persistence off (tests never want an
 * RDB/AOF file, and writing one slows shutdown down). Resolves once it answers commands.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const extraArgs = options.extraArgs ?? [];
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const launch = (port: number): Promise<TiedProcess> =>
    spawnRedisServer(port, extraArgs, { cwd: tmpdir(), timeoutMs });

  const started = await launchOnFreePort(options.port, launch);
  const port = started.port;
  let server = started.process;
  let stopped = false;
  let frozen = false;
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    process.kill(server.pid, name);
    frozen = name === 'SIGSTOP';
  };

  return {
    host: LOCALHOST,
    port,
    url: `redis://${LOCALHOST}:${port}`,
    async stop() {
      stopped = true;
      // A stopped process would hold SIGTERM until the kill timeout.
      if (frozen) signal('SIGCONT');
      await server.stop();
    },
    async restart() {
      if (stopped) throw new Error('redis-server was stopped; start a new one instead');
      if (frozen) signal('SIGCONT');
      await server.stop();
      // The old listener is closed once the process has exited; a short retry covers the
      // rare case where a client connection's teardown still races the rebind.
      for (let attempt = 1; ; attempt++) {
        try {
          server = await launch(port);
          return;
        } catch (error) {
          if (!(error instanceof PortInUseError) || attempt >= PORT_ATTEMPTS) throw error;
          await delay(100 * attempt);
        }
      }
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
  };
}

/** Launches on `fixedPort`, or on a fresh free port, retrying when another process took it. */
export async function launchOnFreePort(
  fixedPort: number | undefined,
  launch: (port: number) => Promise<TiedProcess>,
): Promise<{ port: number; process: TiedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    try {
      return { port, process: await launch(port) };
    } catch (error) {
      if (!(error instanceof PortInUseError) || fixedPort !== undefined || attempt >= PORT_ATTEMPTS) {
        throw error;
      }
    }
  }
}

/**
 * Spawns one redis-server and waits until it answers. Shared with the cluster launcher, which adds
 * the cluster arguments. Throws PortInUseError when the port (or cluster bus port) was taken.
 */
export async function spawnRedisServer(
  port: number,
  extraArgs: readonly string[],
  options: { cwd: string; timeoutMs: number },
): Promise<TiedProcess> {
  const args = [
    '--port', String(port),
    '--bind', LOCALHOST,
    '--save', '',
    '--appendonly', 'no',
    '--dir', options.cwd,
    '--loglevel', 'warning',
    ...extraArgs,
  ];
  const server = await spawnTiedProcess('redis-server', args, { cwd: options.cwd });
  try {
    await waitUntil(
      async () => {
        if (server.hasExited()) return true; // stop polling; reported below
        // Not just PING: when the port is taken by another redis-server, that one answers
        // while ours is still failing to bind. The pid tells them apart.
        const info = await redisCommand(LOCALHOST, port, ['INFO', 'server'], 500);
        return typeof info === 'string' && info.includes(`process_id:${server.pid}\r\n`);
      },
      {
        timeoutMs: options.timeoutMs,
        describe: () => `redis-server on port ${port} did not answer:\n${server.recentOutput()}`,
      },
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  if (server.hasExited()) {
    const output = server.recentOutput();
    if ((await server.exited) === 127) {
      throw new Error(
        'redis-server is not installed. Run `node tools/test-env/ensure-system-deps.mjs` ' +
          '(as root it runs: apt-get install -y redis-server).',
      );
    }
    const message = `redis-server on port ${port} exited during start:\n${output}`;
    throw /address already in use/i.test(output) ? new PortInUseError(message) : new Error(message);
  }
  return server;
}
