import 'reflect-metadata';
import { SocketLifecycleService, applyGatewayHeapMode, socketServerSettingsFrom, startGatewayApplication } from '@moonx-farm/gateway';
import { exitCleanlyOnSignals, nestLogLevels, runMain } from '@moonx-farm/server-core';
import { StandaloneAppModule } from './app/standalone-app.module';
import { loadStandaloneEnv } from './app/standalone.config';

const VERSION = process.env['npm_package_version'] ?? '0.1.0';

runMain('standalone', async () => {
  const env = loadStandaloneEnv();
  applyGatewayHeapMode(env.V8_HEAP_GROWING_PERCENT);
  const app = await startGatewayApplication(StandaloneAppModule.forRoot(env, VERSION), {
    host: env.WEBSOCKET_GATEWAY_HOST,
    port: env.WEBSOCKET_GATEWAY_PORT,
    socket: socketServerSettingsFrom(env),
    logLevels: nestLogLevels(env.LOG_LEVEL),
  });
  exitCleanlyOnSignals(app, {
    beforeClose: () => app.get(SocketLifecycleService).drain(),
    forceAfterMs: env.DRAIN_WINDOW_MS + 15000,
  });
  const mode = env.REDIS_HOST || env.KAFKA_BROKERS.length > 0 ? 'with the configured Redis/Kafka' : 'embedded default: in-memory, no Kafka or Redis needed';
  process.stdout.write(
    `\nMoonX Farm realtime gateway (${mode})\n` +
      (env.LIVE_CONSOLE_ENABLED && env.NODE_ENV !== 'production' ? `  Console    http://localhost:${env.WEBSOCKET_GATEWAY_PORT}/console  (open this first)\n` : '') +
      `  Socket.IO  ws://localhost:${env.WEBSOCKET_GATEWAY_PORT}  (transports: ['websocket'])\n` +
      `  Health     http://localhost:${env.WEBSOCKET_GATEWAY_PORT}/health\n` +
      `  Metrics    http://localhost:${env.WEBSOCKET_GATEWAY_PORT}/metrics\n\n`,
  );
});
