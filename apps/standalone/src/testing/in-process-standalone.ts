import type { INestApplication } from '@nestjs/common';
import { socketServerSettingsFrom, startGatewayApplication } from '@moonx-farm/gateway';
import { createEventPublisher, type EventPublisher } from '@moonx-farm/events';
import type { InMemoryEventLog } from '@moonx-farm/server-core';
import { IN_MEMORY_EVENT_LOG } from '@moonx-farm/server-ports';
import type { TestSocket } from '@moonx-farm/test-env';
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

/**
 * The embedded default for a describe block: started before its tests; after them every socket
 * in `sockets` is closed (after `beforeClose`, e.g. to let a paused one read again), then the app.
 */
export function inProcessStandaloneFor(
  env: Record<string, string> = {},
  beforeClose: (socket: TestSocket) => void = () => undefined,
): { app(): InProcessStandalone; sockets: TestSocket[] } {
  let standalone: InProcessStandalone | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    standalone = await startInProcessStandalone(env);
  });
  afterAll(async () => {
    sockets.forEach((socket) => {
      beforeClose(socket);
      socket.close();
    });
    await standalone?.app.close();
  });
  const app = () => {
    if (!standalone) throw new Error('the standalone app did not start');
    return standalone;
  };
  return { app, sockets };
}
