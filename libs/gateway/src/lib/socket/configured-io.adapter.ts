import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { WebSocketServer } from 'ws';
import { LeanWebSocketServer } from './lean-websocket/lean-websocket.server';
import { releaseUpgradeRequests } from './upgrade-request-release';
import { reuseWriteBuffers } from './write-buffer-reuse';

export interface SocketServerSettings {
  pingIntervalMs: number;
  pingTimeoutMs: number;
  maxHttpBufferSize: number;
  perMessageDeflate: boolean;
  /** 'lean': the gateway's own WebSocket server (lean-websocket/); 'ws': the ws package. Compression always uses ws. */
  websocketEngine: 'lean' | 'ws';
  corsOrigins: string[];
  corsMethods: string[];
  corsCredentials: boolean;
}

/**
 * Socket.IO server options from configuration (decorators are static, config is not).
 * WebSocket transport only: no long-polling fallback to keep sticky-session-free scaling.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly settings: SocketServerSettings,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origin = this.settings.corsOrigins.includes('*') ? true : this.settings.corsOrigins;
    const server = super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
      pingInterval: this.settings.pingIntervalMs,
      pingTimeout: this.settings.pingTimeoutMs,
      maxHttpBufferSize: this.settings.maxHttpBufferSize,
      perMessageDeflate: this.settings.perMessageDeflate,
      // The lean server keeps a connection in a few hundred bytes of heap where ws takes about 2 KB;
      // it does not compress, so compression is ws's job.
      wsEngine: this.settings.perMessageDeflate || this.settings.websocketEngine === 'ws' ? WebSocketServer : LeanWebSocketServer,
      cors: { origin, methods: this.settings.corsMethods, credentials: this.settings.corsCredentials },
      serveClient: false,
    }) as Server;
    releaseUpgradeRequests(server);
    reuseWriteBuffers(server);
    return server;
  }

  /**
   * Nest builds a per-socket rxjs pipeline (about 1.5 KB per connection, kept as long as the
   * socket lives) to tear down its message handlers on disconnect, even when a gateway has
   * none. Ours has none: client events are bound by ClientRequestHandler.
   */
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    const [, handlers] = args;
    if (handlers.length > 0) super.bindMessageHandlers(...args);
  }
}
