import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitCleanlyOnSignals, nestLogLevels, runMain } from '@moonx-farm/server-core';
import { IngestAppModule } from './app/ingest-app.module';
import { loadIngestAppEnv } from './app/ingest.config';

runMain('ingest', async () => {
  const env = loadIngestAppEnv();
  const app = await NestFactory.create(IngestAppModule.forRoot(env), { logger: nestLogLevels(env.LOG_LEVEL), abortOnError: false });
  exitCleanlyOnSignals(app);
  await app.listen(env.INGEST_HTTP_PORT, '0.0.0.0');
  new Logger('Ingest').log(`ops endpoints on :${env.INGEST_HTTP_PORT} (/health, /ready, /metrics)`);
});
