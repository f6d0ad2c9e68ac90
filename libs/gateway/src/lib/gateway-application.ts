import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfiguredIoAdapter, type SocketServerSettings } from './socket/configured-io.adapter';

export interface GatewayApplicationSettings {
  host: string;
  port: number;
  socket: SocketServerSettings;
  logLevels: LogLevel[];
}

/**
 * Boots an app that serves the gateway: the Socket.IO adapter is configured before listen.
 * Signal handling is the caller's (mains use exitCleanlyOnSignals; tests close the app).
 */
export async function startGatewayApplication(rootModule: unknown, settings: GatewayApplicationSettings): Promise<INestApplication> {
  const app = await NestFactory.create(rootModule as never, { logger: settings.logLevels, abortOnError: false });
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app, settings.socket));
  await app.listen(settings.port, settings.host);
  const address = app.getHttpServer().address() as { port: number } | null;
  new Logger('Gateway').log(`listening on ${settings.host}:${address?.port ?? settings.port} (Socket.IO, /health, /metrics)`);
  return app;
}
