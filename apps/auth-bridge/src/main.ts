import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitCleanlyOnSignals, nestLogLevels, runMain } from '@moonx-farm/server-core';
import { AuthBridgeAppModule } from './app/auth-bridge-app.module';
import { loadAuthBridgeAppEnv } from './app/auth-bridge.config';

runMain('auth-bridge', async () => {
  const env = loadAuthBridgeAppEnv();
  const app = await NestFactory.create(AuthBridgeAppModule.forRoot(env), { logger: nestLogLevels(env.LOG_LEVEL), abortOnError: false });
  exitCleanlyOnSignals(app);
  await app.listen(env.AUTH_BRIDGE_PORT, '0.0.0.0');
  new Logger('AuthBridge').log(`listening on :${env.AUTH_BRIDGE_PORT} (/health, /metrics${env.DEV_TOKENS_ENABLED ? ', POST /dev/tokens' : ''})`);
});
