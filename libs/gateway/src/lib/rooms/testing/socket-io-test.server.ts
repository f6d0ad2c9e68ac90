import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';

/** A real Socket.IO server on a free loopback port, WebSocket only as the gateway, and the clients a spec connects to it. */
export interface SocketIoTestServer {
  io: Server;
  url: string;
  /** A socket.io-client connection (closed by `close`), resolved once connected. */
  connect(auth?: Record<string, unknown>): Promise<ClientSocket>;
  close(): Promise<void>;
}

/** `options` adds to or overrides the defaults (a WebSocket engine, ping timing…). */
export async function startSocketIoTestServer(options: Partial<ServerOptions> = {}): Promise<SocketIoTestServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false, ...options });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients: ClientSocket[] = [];
  return {
    io,
    url,
    async connect(auth) {
      const client = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('connect_error', reject);
      });
      return client;
    },
    async close() {
      clients.splice(0).forEach((client) => client.close());
      await io.close();
    },
  };
}
