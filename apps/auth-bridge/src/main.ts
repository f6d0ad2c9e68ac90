import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { exitCleanlyOnSignals, nestLogLevels, runMain } from '@moonx-farm/server-core';
import { AuthBridgeAppModule } from './app/auth-bridge-app.module';
import { loadAuthBridgeAppEnv } from './app/auth-bridge.config';

runMain('auth-bridge', async () => {
  const env = loadAuthBridgeAppEnv();
  const app = await NestFactory.create(AuthBridgeAppModule.forRoot(env), { logger: nestLogLevels(env.LOG_LEVEL), abortOnError: false });
  const node = env.REDIS_HOST ? { host: env.REDIS_HOST, port: env.REDIS_PORT } : parseNode(env.REDIS_CLUSTER_NODES[0]);
  // Gateways send `auth.verify` requests over Redis pub/sub (any one node carries it in a cluster).
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.REDIS,
    options: { ...node, password: env.REDIS_PASSWORD, db: env.REDIS_DB, retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 1000 },
  });
  await app.startAllMicroservices();
  exitCleanlyOnSignals(app);
  await app.listen(env.AUTH_BRIDGE_PORT, '0.0.0.0');
  new Logger('AuthBridge').log(`listening on :${env.AUTH_BRIDGE_PORT} and on Redis for auth.verify`);
});

function parseNode(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}
