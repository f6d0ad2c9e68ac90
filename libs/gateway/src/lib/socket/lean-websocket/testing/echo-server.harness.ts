import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LeanWebSocket } from '../lean-websocket.connection';
import { LeanWebSocketServer } from '../lean-websocket.server';

/** What one server-side connection went through. */
export interface ConnectionRecord {
  websocket: LeanWebSocket;
  closes: { code: number; reason: string }[];
  errors: Error[];
}

/** An HTTP server handing its upgrades to a LeanWebSocketServer that echoes every message back. */
export interface EchoHarness {
  port: number;
  server: LeanWebSocketServer;
  connections: ConnectionRecord[];
  stop(): Promise<void>;
}

export async function startEchoServer(maxPayload = 1024 * 1024): Promise<EchoHarness> {
  const server = new LeanWebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload });
  const connections: ConnectionRecord[] = [];
  const http: Server = createServer();
  http.on('upgrade', (request, socket, head) => {
    server.handleUpgrade(request, socket, head, (websocket) => {
      const record: ConnectionRecord = { websocket, closes: [], errors: [] };
      connections.push(record);
      websocket.on('message', (data, isBinary) => websocket.send(isBinary ? data : data.toString()));
      websocket.on('close', (code, reason) => record.closes.push({ code, reason: reason.toString() }));
      websocket.on('error', (error) => record.errors.push(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    server,
    connections,
    stop: async () => {
      for (const { websocket } of connections) websocket.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Polls until the condition holds (state changed by socket events), failing after a while. */
export async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
