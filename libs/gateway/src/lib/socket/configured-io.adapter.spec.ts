import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { ConfiguredIoAdapter, type SocketServerSettings } from './configured-io.adapter';
import { LeanWebSocketServer } from './lean-websocket/lean-websocket.server';

const settings: SocketServerSettings = {
  pingIntervalMs: 25000,
  pingTimeoutMs: 20000,
  maxHttpBufferSize: 16384,
  perMessageDeflate: false,
  websocketEngine: 'lean',
  corsOrigins: ['*'],
  corsMethods: ['GET', 'POST'],
  corsCredentials: true,
};

const lifecycle: string[] = [];

/** A gateway with a Nest message handler: the adapter must still bind it. */
@WebSocketGateway()
class EchoGateway implements OnGatewayConnection, OnGatewayDisconnect {
  handleConnection(): void {
    lifecycle.push('connected');
  }

  handleDisconnect(): void {
    lifecycle.push('disconnected');
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return { echoed: body };
  }
}

@Module({ providers: [EchoGateway] })
class EchoModule {}

@Module({})
class EmptyModule {}

describe('ConfiguredIoAdapter', () => {
  let app: INestApplication;
  let client: ClientSocket | undefined;

  beforeAll(async () => {
    app = await NestFactory.create(EchoModule, { logger: false });
    app.useWebSocketAdapter(new ConfiguredIoAdapter(app, settings));
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    client?.close();
    await app.close();
  });

  it('binds Nest message handlers and connection hooks when a gateway has them', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    client = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      client?.once('connect', () => resolve());
      client?.once('connect_error', reject);
    });
    await expect(client.timeout(2000).emitWithAck('echo', { n: 1 })).resolves.toEqual({ echoed: { n: 1 } });
    expect(lifecycle).toEqual(['connected']);
    client.close();
    for (let wait = 0; wait < 50 && lifecycle.length < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lifecycle).toEqual(['connected', 'disconnected']);
  });
});

describe('ConfiguredIoAdapter WebSocket engine', () => {
  it.each([
    ['lean', false, LeanWebSocketServer],
    ['ws', false, WebSocketServer],
    ['lean', true, WebSocketServer],
  ] as const)('WEBSOCKET_ENGINE=%s with compression %s runs on %p', async (websocketEngine, perMessageDeflate, expected) => {
    const app = await NestFactory.create(EmptyModule, { logger: false });
    try {
      const io = new ConfiguredIoAdapter(app, { ...settings, websocketEngine, perMessageDeflate }).createIOServer(0);
      expect((io.engine as unknown as { ws: unknown }).ws).toBeInstanceOf(expected);
    } finally {
      await app.close();
    }
  });
});
