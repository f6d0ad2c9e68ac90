import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { LeanWebSocketServer } from '../socket/lean-websocket/lean-websocket.server';
import { BacklogWatch } from './backlog-watch';
import { outgoingBytes } from './outgoing-buffer';
import { directPath, writeToRoom } from './room-frame-writer';

/** The fan-out's shortcut to the TCP socket must be found under both WebSocket engines. */
describe.each([
  ['lean', LeanWebSocketServer],
  ['ws', WebSocketServer],
] as const)('room frame writer on the %s engine', (_name, wsEngine) => {
  let http: HttpServer;
  let io: Server;
  let client: ClientSocket;
  let member: Socket;

  beforeEach(async () => {
    http = createServer();
    io = new Server(http, { transports: ['websocket'], wsEngine, perMessageDeflate: false });
    const joined = new Promise<Socket>((resolve) =>
      io.on('connection', (socket) => {
        void socket.join('price:BTC');
        resolve(socket);
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
    member = await joined;
    // Once the client has the CONNECT packet, its write is complete: the transport is writable again.
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
  });

  afterEach(async () => {
    client.close();
    await io.close();
  });

  it('takes the direct path of an idle socket and nothing is queued above TCP', () => {
    expect(directPath(member)).toBe((member.conn as unknown as { transport: { socket: { _socket: unknown } } }).transport.socket._socket);
    expect(outgoingBytes(member)).toBe(0);
  });

  it('delivers a room update written straight to TCP as an ordinary Socket.IO event', async () => {
    const received = new Promise<unknown>((resolve) => client.once('price', resolve));
    const body = JSON.stringify(['price', { symbol: 'BTC', price: 1 }]);
    const backlog = new BacklogWatch();
    expect(writeToRoom(io, 'price:BTC', body, 'price', { symbol: 'BTC', price: 1 }, [], backlog)).toBe(1);
    await expect(received).resolves.toEqual({ symbol: 'BTC', price: 1 });
    // The kernel took the frame whole: nothing for the slow-socket monitor to watch.
    expect(backlog.size).toBe(0);
  });

  it('notes a socket for the slow-socket monitor when the kernel does not take a direct write whole', async () => {
    const pad = 'x'.repeat(16 * 1024 * 1024);
    const received = new Promise<unknown>((resolve) => client.once('price', resolve));
    const backlog = new BacklogWatch();
    expect(writeToRoom(io, 'price:BTC', JSON.stringify(['price', { pad }]), 'price', { pad }, [], backlog)).toBe(1);
    expect([...backlog]).toEqual([member]);
    expect(outgoingBytes(member)).toBeGreaterThan(0);
    await expect(received).resolves.toEqual({ pad });
  });

  it('notes a socket it could not write directly (Engine.IO had packets queued)', async () => {
    const engine = member.conn as unknown as { writeBuffer: unknown[]; transport: { writable: boolean } };
    // As while a previous write is in flight: Engine.IO queues, and sends once the transport drains.
    engine.transport.writable = false;
    const received = new Promise<unknown>((resolve) => client.once('price', resolve));
    const backlog = new BacklogWatch();
    expect(writeToRoom(io, 'price:BTC', JSON.stringify(['price', { price: 2 }]), 'price', { price: 2 }, [], backlog)).toBe(1);
    expect([...backlog]).toEqual([member]);
    expect(engine.writeBuffer).toHaveLength(1);
    engine.transport.writable = true;
    (member.conn as unknown as { flush(): void }).flush();
    await expect(received).resolves.toEqual({ price: 2 });
  });

  it('takes the ordinary way while Engine.IO has packets queued', () => {
    const engine = member.conn as unknown as { writeBuffer: unknown[] };
    engine.writeBuffer.push({ type: 'message', data: 'queued' });
    try {
      expect(directPath(member)).toBeUndefined();
    } finally {
      engine.writeBuffer.pop();
    }
  });
});
