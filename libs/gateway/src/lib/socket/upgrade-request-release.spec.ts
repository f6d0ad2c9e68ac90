import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { LeanWebSocketServer } from './lean-websocket/lean-websocket.server';
import { releaseUpgradeRequests } from './upgrade-request-release';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

// Both WebSocket engines the gateway can run on: the listener to remove is Engine.IO's, whichever serves the WebSocket.
describe.each([
  ['lean', LeanWebSocketServer],
  ['ws', WebSocketServer],
] as const)('releaseUpgradeRequests (%s engine)', (_engine, wsEngine) => {
  let http: HttpServer;
  let io: Server;
  const clients: ClientSocket[] = [];

  beforeEach(async () => {
    http = createServer();
    // The gateway's settings: WebSocket only, with cors (Engine.IO turns it into a middleware).
    io = new Server(http, { transports: ['websocket'], cors: { origin: true, credentials: true }, serveClient: false, wsEngine });
    releaseUpgradeRequests(io);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });

  const connect = () =>
    new Promise<ClientSocket>((resolve, reject) => {
      const client = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('connect_error', reject);
    });

  it('lets the upgrade request of an open connection be collected once Socket.IO lets go of it', async () => {
    const requests: WeakRef<IncomingMessage>[] = [];
    io.engine.on('connection', (raw: { request: IncomingMessage | null }) => {
      if (raw.request) requests.push(new WeakRef(raw.request));
      raw.request = null;
    });
    const client = await connect();
    expect(requests).toHaveLength(1);
    for (let round = 0; round < 3 && requests[0].deref(); round++) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    expect(requests[0].deref()).toBeUndefined();
    // The connection itself is untouched: it still works both ways.
    const echoed = new Promise((resolve) => client.once('echo', resolve));
    io.on('connection', (socket) => socket.on('say', (text: string) => socket.emit('echo', text)));
    const second = await connect();
    second.emit('say', 'hello');
    await expect(new Promise((resolve) => second.once('echo', resolve))).resolves.toBe('hello');
    io.emit('echo', 'to all');
    await expect(echoed).resolves.toBe('to all');
  });

  it('still tells an Engine.IO middleware added later when the connection closes', async () => {
    const closed: string[] = [];
    io.engine.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
      response.on('close', () => closed.push(request.url ?? ''));
      next();
    });
    const client = await connect();
    expect(closed).toEqual([]);
    const serverSide = [...io.sockets.sockets.values()][0];
    const gone = new Promise((resolve) => serverSide.once('disconnect', resolve));
    client.close();
    await gone;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toHaveLength(1);
    expect(closed[0]).toContain('transport=websocket');
  });
});
