import net, { type Socket } from 'node:net';
import { WRITE_PROBE_PLAN, type ReadReportRequest, type WriteProbeMessage, type WriteRounds } from './lib/write-probe';

/*
 * The two children of the write probe (lib/write-probe.ts), forked by the runner:
 *   write-probe.js writer <sockets>                     listens on 127.0.0.1, and once every
 *                                                       socket is accepted times rounds of writes
 *   write-probe.js reader <port> <sockets> <addresses>  opens the sockets, reads and discards
 *                                                       (as the load generator reads), and
 *                                                       reports its reads and CPU when asked
 * Results travel over the IPC channel; either child exits when the runner disconnects.
 */

const SETTLE_MS = 500;
const PAUSE_MS = 10;
const CONNECTS_IN_FLIGHT = 200;

function send(message: WriteProbeMessage): void {
  process.send?.(message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function runWriter(expected: number): void {
  const sockets: Socket[] = [];
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    // Connections closing as the reader exits must not end the writer with an error.
    socket.on('error', () => undefined);
    sockets.push(socket);
    if (sockets.length === expected) {
      server.close();
      void measure(sockets).then(
        (rounds) => send({ type: 'rounds', rounds }),
        (error: unknown) => send({ type: 'error', message: (error as Error).message }),
      );
    }
  });
  server.on('error', (error) => send({ type: 'error', message: error.message }));
  server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
    send({ type: 'listening', port: (server.address() as net.AddressInfo).port });
  });
}

async function measure(sockets: Socket[]): Promise<WriteRounds[]> {
  await sleep(SETTLE_MS);
  const measured: WriteRounds[] = [];
  for (const { bytes, rounds, budgetMs } of WRITE_PROBE_PLAN) {
    // One Buffer for every write: Node does not copy it, so only the write itself is timed.
    const payload = Buffer.alloc(bytes, 0x61);
    const perWriteUs: number[] = [];
    let queued = 0;
    const deadline = performance.now() + budgetMs;
    for (let round = 0; round < rounds && performance.now() < deadline; round++) {
      const started = process.hrtime.bigint();
      for (const socket of sockets) if (!socket.write(payload)) queued++;
      const elapsedNs = Number(process.hrtime.bigint() - started);
      perWriteUs.push(elapsedNs / 1000 / sockets.length);
      await sleep(PAUSE_MS);
    }
    measured.push({ bytes, perWriteUs, queued });
  }
  return measured;
}

/** Every read of every socket lands in this one buffer and is dropped, as in the load generator (lean-client.ts). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
let reads = 0;
let readBytes = 0;
const onRead = (bytes: number): boolean => {
  reads++;
  readBytes += bytes;
  return true;
};

async function runReader(port: number, total: number, sourceAddresses: string[]): Promise<void> {
  const sockets: Socket[] = [];
  const errors = new Set<string>();
  let failed = 0;
  let next = 0;
  const connectNext = async (): Promise<void> => {
    while (next < total) {
      const localAddress = sourceAddresses[next++ % sourceAddresses.length];
      try {
        sockets.push(await connectOne(port, localAddress));
      } catch (error) {
        failed++;
        errors.add((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, total) }, connectNext));
  // Counted from here: the writer starts its rounds once every socket is accepted.
  reads = 0;
  readBytes = 0;
  const cpuAtStart = process.cpuUsage();
  process.on('message', (message: ReadReportRequest) => {
    if (message.type !== 'report-reads') return;
    const cpu = process.cpuUsage(cpuAtStart);
    send({ type: 'reads', reads, bytes: readBytes, userUs: cpu.user, systemUs: cpu.system });
  });
  send({ type: 'connected', connected: sockets.length, failed, errors: [...errors].slice(0, 5) });
}

function connectOne(port: number, localAddress: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress, onread: { buffer: READ_BUFFER, callback: onRead } });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('connect timed out after 10 s'));
    }, 10000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

function main(): void {
  process.on('disconnect', () => process.exit(0));
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'writer') runWriter(Number(args[0]));
  else if (mode === 'reader') {
    const addresses = (args[2] ?? '').split(',').filter(Boolean);
    void runReader(Number(args[0]), Number(args[1]), addresses.length ? addresses : ['127.0.0.1']).catch((error: unknown) =>
      send({ type: 'error', message: (error as Error).message }),
    );
  } else {
    process.stderr.write(`write-probe: unknown mode "${mode ?? ''}" (writer or reader)\n`);
    process.exit(2);
  }
}

main();
