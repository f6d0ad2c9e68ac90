import 'reflect-metadata';
import { SocketLifecycleService, applyGatewayHeapMode, socketServerSettingsFrom, startGatewayApplication } from '@moonx-farm/gateway';
import { exitCleanlyOnSignals, nestLogLevels, runMain } from '@moonx-farm/server-core';
import { GatewayAppModule } from './app/gateway-app.module';
import { loadGatewayAppEnv } from './app/gateway.config';

runMain('gateway', async () => {
  const env = loadGatewayAppEnv();
  applyGatewayHeapMode(env.V8_HEAP_GROWING_PERCENT);
  const app = await startGatewayApplication(GatewayAppModule.forRoot(env, process.env['npm_package_version'] ?? '0.1.0'), {
    host: env.WEBSOCKET_GATEWAY_HOST,
    port: env.WEBSOCKET_GATEWAY_PORT,
    socket: socketServerSettingsFrom(env),
    logLevels: nestLogLevels(env.LOG_LEVEL),
  });
  exitCleanlyOnSignals(app, {
    beforeClose: () => app.get(SocketLifecycleService).drain(),
    forceAfterMs: env.DRAIN_WINDOW_MS + 15000,
  });
});
