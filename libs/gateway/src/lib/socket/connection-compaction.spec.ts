import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { CompactMap } from './compact-map';
import { compactConnection, compactListenerTable } from './connection-compaction';
import { LeanWebSocketServer } from './lean-websocket/lean-websocket.server';

interface Internals {
  socket: { _events: object; acks: unknown; client: { nsps: unknown; sockets: unknown } };
  engine: { _events: object; transport: { _events: object; listenerCount(event: string): number; socket: { listeners(event: string): unknown[] } } };
}

function internals(socket: Socket): Internals {
  return { socket: socket as unknown as Internals['socket'], engine: socket.conn as unknown as Internals['engine'] };
}

/** An object that inherits no listener: what `{ __proto__: null }` guarantees EventEmitter. */
function inheritsNothing(table: object): boolean {
  const probe = table as Record<string, unknown>;
  return probe['constructor'] === undefined && probe['toString'] === undefined && probe['__proto__'] === undefined && !('hasOwnProperty' in table);
}

describe('compactListenerTable', () => {
  it('keeps every listener, inherits nothing and lets listeners come and go', () => {
    const { EventEmitter } = jest.requireActual<typeof import('node:events')>('node:events');
    const emitter = new EventEmitter();
    const calls: string[] = [];
    emitter.on('a', () => calls.push('a1'));
    emitter.on('a', () => calls.push('a2'));
    emitter.once('b', () => calls.push('b'));
    compactListenerTable(emitter as never);
    const table = (emitter as unknown as { _events: object })._events;
    expect(Object.getPrototypeOf(table)).not.toBeNull();
    expect(inheritsNothing(table)).toBe(true);
    emitter.emit('a');
    emitter.emit('b');
    emitter.emit('b');
    expect(calls).toEqual(['a1', 'a2', 'b']);
    expect(emitter.emit('constructor')).toBe(false);
    emitter.on('c', () => calls.push('c'));
    emitter.emit('c');
    emitter.removeAllListeners('a');
    expect(emitter.eventNames()).toEqual(['c']);
    expect(calls).toEqual(['a1', 'a2', 'b', 'c']);
  });
});

/** Compaction trims Engine.IO and Socket.IO internals: the connection must behave exactly as before, on both engines. */
describe.each([
  ['lean', LeanWebSocketServer],
  ['ws', WebSocketServer],
] as const)('compactConnection on the %s engine', (_name, wsEngine) => {
  let http: HttpServer;
  let io: Server;
  let client: ClientSocket;
  let server: Socket;
  const received: unknown[][] = [];

  beforeEach(async () => {
    received.length = 0;
    http = createServer();
    io = new Server(http, { transports: ['websocket'], wsEngine, perMessageDeflate: false, pingInterval: 100, pingTimeout: 500 });
    const connected = new Promise<Socket>((resolve) =>
      io.on('connection', (socket) => {
        socket.onAny((...args: unknown[]) => {
          received.push(args);
          const ack = args[args.length - 1];
          if (typeof ack === 'function') ack('ok');
        });
        compactConnection(socket);
        resolve(socket);
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
    server = await connected;
    if (!client.connected) await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  });

  afterEach(async () => {
    client.close();
    await io.close();
  });

  it('rebuilds every listener table and drops what only the handshake needed', () => {
    const { socket, engine } = internals(server);
    // Node's streams already start the TCP socket's table as an ordinary object with every key.
    for (const table of [socket._events, engine._events, engine.transport._events]) {
      expect(Object.getPrototypeOf(table)).not.toBeNull();
      expect(inheritsNothing(table)).toBe(true);
    }
    expect(engine.transport.listenerCount('headers')).toBe(0);
    const errorListeners = engine.transport.socket.listeners('error') as { name: string }[];
    expect(errorListeners.map((listener) => listener.name)).not.toContain('onUpgradeError');
    expect(errorListeners.length).toBeGreaterThan(0);
    expect(socket.acks).toBeInstanceOf(CompactMap);
    expect(socket.client.nsps).toBeInstanceOf(CompactMap);
    expect(socket.client.sockets).toBeInstanceOf(CompactMap);
  });

  it('still carries events both ways, with acknowledgements', async () => {
    await expect(client.timeout(2000).emitWithAck('hello', 1)).resolves.toBe('ok');
    expect(received).toEqual([['hello', 1, expect.any(Function)]]);
    const fromServer = new Promise((resolve) => client.once('news', resolve));
    server.emit('news', { n: 1 });
    await expect(fromServer).resolves.toEqual({ n: 1 });
    client.once('question', (value: number, ack: (answer: number) => void) => ack(value * 2));
    await expect(server.timeout(2000).emitWithAck('question', 21)).resolves.toBe(42);
  });

  it('keeps the connection alive through pings, then closes it cleanly from either side', async () => {
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(client.connected).toBe(true);
    expect(server.connected).toBe(true);
    const reason = new Promise((resolve) => server.once('disconnect', resolve));
    client.disconnect();
    await expect(reason).resolves.toBe('client namespace disconnect');
    expect(io.of('/').sockets.size).toBe(0);
    // The client closes its Engine.IO connection once its last namespace is gone.
    const deadline = Date.now() + 2000;
    while (io.engine.clientsCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(io.engine.clientsCount).toBe(0);
  });

  it('lets the server end the connection and a second namespace share it', async () => {
    const admin = io.of('/admin');
    const joined = new Promise<Socket>((resolve) => admin.on('connection', resolve));
    const second = connectClient(`${(client.io as unknown as { uri: string }).uri}/admin`, { transports: ['websocket'], reconnection: false });
    const adminSocket = await joined;
    expect(adminSocket.client).toBe(server.client);
    expect((server as unknown as Internals['socket']).client.sockets).toBeInstanceOf(CompactMap);
    expect((server.client as unknown as { sockets: Map<string, unknown> }).sockets.size).toBe(2);
    const closed = new Promise((resolve) => client.once('disconnect', resolve));
    server.disconnect(true);
    await expect(closed).resolves.toBe('io server disconnect');
    second.close();
  });
});
