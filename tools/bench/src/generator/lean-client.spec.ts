import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { engineIoUrl } from '../lib/socket-io-wire';
import { LeanClient } from './lean-client';

/*
 * The generator's client against a real Socket.IO server. Its clients share one read buffer,
 * so the frames here are interleaved across clients and larger than that buffer: a frame
 * kept as a view instead of a copy would be overwritten by another client's read.
 */

describe('LeanClient', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const clients: LeanClient[] = [];

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { transports: ['websocket'], serveClient: false });
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      next(token === 'good' ? undefined : new Error('invalid token'));
    });
    io.on('connection', (socket) => {
      socket.on('join_room', (payload: { room: string }, ack: (reply: unknown) => void) => ack({ ok: true, room: payload.room, seq: 7 }));
      socket.on('send_me', (payload: { count: number; bytes: number }, ack: (reply: unknown) => void) => {
        ack({ ok: true });
        for (let i = 0; i < payload.count; i++) socket.emit('price_update', { i, pad: String(i % 10).repeat(payload.bytes) });
      });
      socket.on('bye', () => socket.disconnect(true));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = engineIoUrl(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    io.close();
    await new Promise((resolve) => http.close(resolve));
  });

  function client(events: unknown[][] = [], token = 'good', onClose: () => void = () => undefined): LeanClient {
    const lean = new LeanClient({
      url,
      auth: { token },
      timeoutMs: 5000,
      // The frame is a view of the shared read buffer: decode it now, as the generator does.
      onEvent: (_client, frame) => events.push(JSON.parse(frame.toString('utf8', 2)) as unknown[]),
      onClose,
    });
    clients.push(lean);
    return lean;
  }

  it('connects with auth and gets acknowledgements back', async () => {
    const lean = client();
    await lean.connect();
    expect(lean.isOpen).toBe(true);
    await expect(lean.request('join_room', { room: 'price:BTC-USDC' })).resolves.toEqual({ ok: true, room: 'price:BTC-USDC', seq: 7 });
  });

  it('reports a refused connection with the server reason', async () => {
    await expect(client([], 'bad').connect()).rejects.toThrow('refused: invalid token');
  });

  it('reports an HTTP refusal of the upgrade (read before the frame reader takes over)', async () => {
    const refusing = createServer((_request, response) => response.writeHead(503).end('busy'));
    refusing.on('upgrade', (_request, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const lean = new LeanClient({
        url: engineIoUrl(`http://127.0.0.1:${(refusing.address() as AddressInfo).port}`),
        timeoutMs: 5000,
        onEvent: () => undefined,
        onClose: () => undefined,
      });
      clients.push(lean);
      await expect(lean.connect()).rejects.toThrow('Unexpected server response: 503');
    } finally {
      await new Promise((resolve) => refusing.close(resolve));
    }
  });

  it('delivers every frame whole and in order while clients share the read buffer', async () => {
    const received = [[], [], []] as unknown[][][];
    const leans = received.map((events) => client(events));
    await Promise.all(leans.map((lean) => lean.connect()));
    // Small frames and frames over 64 KiB (several reads each), to three clients at once.
    const plans = [
      { count: 400, bytes: 90 },
      { count: 6, bytes: 150_000 },
      { count: 200, bytes: 3_000 },
    ];
    await Promise.all(leans.map((lean, index) => lean.request('send_me', plans[index])));
    const total = plans.reduce((sum, plan) => sum + plan.count, 0);
    const deadline = Date.now() + 10_000;
    while (received.reduce((sum, events) => sum + events.length, 0) < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    received.forEach((events, index) => {
      const { count, bytes } = plans[index];
      expect(events).toEqual(Array.from({ length: count }, (_, i) => ['price_update', { i, pad: String(i % 10).repeat(bytes) }]));
    });
  });

  it('reports a close by the server once', async () => {
    let closes = 0;
    const lean = client([], 'good', () => closes++);
    await lean.connect();
    lean.request('bye', {}).catch(() => undefined);
    const deadline = Date.now() + 5000;
    while (closes === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes).toBe(1);
    expect(lean.isOpen).toBe(false);
  });
});
