import type { INestApplication } from '@nestjs/common';
import { socketServerSettingsFrom, startGatewayApplication } from '@moonx-farm/gateway';
import { createEventPublisher, type EventPublisher } from '@moonx-farm/events';
import type { InMemoryEventLog } from '@moonx-farm/server-core';
import { IN_MEMORY_EVENT_LOG } from '@moonx-farm/server-ports';
import { StandaloneAppModule } from '../app/standalone-app.module';
import { loadStandaloneEnv } from '../app/standalone.config';

export interface InProcessStandalone {
  app: INestApplication;
  url: string;
  log: InMemoryEventLog;
  /** Publishes into the embedded event log exactly as a backend service would publish to Kafka. */
  publisher: EventPublisher;
}

/** The embedded default in the test process, on a free port, simulator off unless asked for. */
export async function startInProcessStandalone(env: Record<string, string> = {}): Promise<InProcessStandalone> {
  const config = loadStandaloneEnv({ SIMULATOR_ENABLED: 'false', LOG_LEVEL: 'warn', ...env });
  const app = await startGatewayApplication(StandaloneAppModule.forRoot(config, 'test'), {
    host: '127.0.0.1',
    port: 0,
    socket: socketServerSettingsFrom(config),
    logLevels: ['error'],
  });
  const log = app.get<InMemoryEventLog>(IN_MEMORY_EVENT_LOG);
  return {
    app,
    url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
    log,
    publisher: createEventPublisher({ send: ({ topic, messages }) => log.send(topic, messages) }),
  };
}
