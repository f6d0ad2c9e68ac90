import type { Socket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { startSocketIoTestServer, type SocketIoTestServer } from '../rooms/testing/socket-io-test.server';
import { LeanWebSocketServer } from './lean-websocket/lean-websocket.server';
import { reuseWriteBuffers } from './write-buffer-reuse';

interface EngineInternals {
  writeBuffer: unknown[];
}

function engineOf(socket: Socket): EngineInternals {
  return socket.conn as unknown as EngineInternals;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Pings every 40 ms, so a few hundred milliseconds hold several flushes of pings alone. */
describe.each([
  ['lean', LeanWebSocketServer],
  ['ws', WebSocketServer],
] as const)('reuseWriteBuffers on the %s engine', (_name, wsEngine) => {
  let harness: SocketIoTestServer;
  let client: ClientSocket;
  let server: Socket;

  async function start(reuse: boolean): Promise<void> {
    harness = await startSocketIoTestServer({ wsEngine, perMessageDeflate: false, pingInterval: 40, pingTimeout: 400 });
    if (reuse) reuseWriteBuffers(harness.io);
    const connected = new Promise<Socket>((resolve) => harness.io.on('connection', resolve));
    client = await harness.connect();
    server = await connected;
  }

  afterEach(async () => {
    await harness.close();
  });

  it('Engine.IO alone puts a new array in place of the write buffer at every flush (what this undoes)', async () => {
    await start(false);
    const before = engineOf(server).writeBuffer;
    server.emit('news', 1);
    await sleep(120);
    expect(engineOf(server).writeBuffer).not.toBe(before);
  });

  it('keeps one write buffer per connection, empty between flushes, through pings and messages', async () => {
    await start(true);
    const buffer = engineOf(server).writeBuffer;
    const got: number[] = [];
    client.on('news', (n: number) => got.push(n));
    server.emit('news', 1);
    await sleep(250);
    server.emit('news', 2);
    await sleep(100);
    expect(got).toEqual([1, 2]);
    expect(engineOf(server).writeBuffer).toBe(buffer);
    expect(buffer).toHaveLength(0);
    expect(client.connected).toBe(true);
  });

  it('loses nothing and keeps the order when packets queue while the transport is busy', async () => {
    await start(true);
    const buffer = engineOf(server).writeBuffer;
    const count = 500;
    const got: number[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('news', (n: number) => {
        got.push(n);
        if (got.length === count) resolve();
      }),
    );
    // The first emit flushes at once; the others queue behind it until the transport is writable again.
    for (let n = 0; n < count; n++) server.emit('news', n);
    expect(engineOf(server).writeBuffer.length).toBeGreaterThan(0);
    await all;
    expect(got).toEqual(Array.from({ length: count }, (_, n) => n));
    await sleep(100);
    expect(engineOf(server).writeBuffer).toBe(buffer);
    expect(buffer).toHaveLength(0);
  });

  it('still carries acknowledgements both ways and closes cleanly', async () => {
    await start(true);
    server.on('hello', (value: number, ack: (answer: number) => void) => ack(value + 1));
    await expect(client.timeout(2000).emitWithAck('hello', 1)).resolves.toBe(2);
    client.once('question', (value: number, ack: (answer: number) => void) => ack(value * 2));
    await expect(server.timeout(2000).emitWithAck('question', 21)).resolves.toBe(42);
    const reason = new Promise((resolve) => server.once('disconnect', resolve));
    client.disconnect();
    await expect(reason).resolves.toBe('client namespace disconnect');
  });
});
