import { Global, Logger, Module, type DynamicModule, type OnApplicationShutdown, type Provider, Inject } from '@nestjs/common';
import {
  EVENT_SINK,
  EVENT_SOURCE,
  InMemoryEventLog,
  InMemoryPubSubHub,
  InMemoryRoomStore,
  ROOM_FEED,
  ROOM_STORE,
  REVOCATION_BUS,
  InMemoryRevocationBus,
  type EventSink,
  type EventSource,
  type RevocationBus,
  type KafkaSettings,
  type RedisSettings,
  type RoomFeed,
  type RoomStore,
  type RoomStoreLimits,
} from '@moonx-farm/server-core';
import { createKafkaClient, KafkaEventSink, KafkaEventSource } from '@moonx-farm/server-kafka';
import {
  createRedisConnection,
  RedisRevocationBus,
  RedisRoomFeed,
  RedisRoomStore,
  waitUntilReady,
  type RedisConnection,
} from '@moonx-farm/server-redis';

export interface ConsumerSettings {
  groupId: string;
  sessionTimeout: number;
  heartbeatInterval: number;
  maxWaitTimeInMs: number;
  fromBeginning: boolean;
}

export interface PortsOptions {
  /** Unset: the in-memory store and feed of the embedded default. */
  redis?: RedisSettings;
  /** Unset: the in-memory event log of the embedded default. */
  kafka?: KafkaSettings;
  consumer: ConsumerSettings;
  limits: RoomStoreLimits;
  onRedisError?: (error: Error) => void;
  onKafkaError?: (message: string) => void;
}

/** Connections opened by the ports, closed when the app shuts down. */
export const PORT_RESOURCES = Symbol('PORT_RESOURCES');
/** The embedded event log, when in memory (for the simulator and tests). */
export const IN_MEMORY_EVENT_LOG = Symbol('IN_MEMORY_EVENT_LOG');

interface PortResources {
  redis: RedisConnection[];
  closers: (() => Promise<void>)[];
}

/**
 * Wires every port to its real adapter when the environment names the system (REDIS_HOST,
 * KAFKA_BROKERS) and to its in-memory twin otherwise. Both pass the same contract tests.
 */
@Global()
@Module({})
export class PortsModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Ports');

  constructor(@Inject(PORT_RESOURCES) private readonly resources: PortResources) {}

  static forRoot(options: PortsOptions): DynamicModule {
    const resources: PortResources = { redis: [], closers: [] };
    const hub = new InMemoryPubSubHub();
    const log = new InMemoryEventLog();
    const redis = async (name: string, subscriber = false): Promise<RedisConnection> => {
      const connection = createRedisConnection(options.redis as RedisSettings, { name, subscriber, onError: options.onRedisError });
      resources.redis.push(connection);
      await waitUntilReady(connection, 15000);
      return connection;
    };
    const kafka = options.kafka ? createKafkaClient(options.kafka, { onConnectionError: options.onKafkaError }) : undefined;
    const prefix = options.redis?.keyPrefix ?? 'wsg:';

    const providers: Provider[] = [
      { provide: PORT_RESOURCES, useValue: resources },
      { provide: IN_MEMORY_EVENT_LOG, useValue: options.kafka ? undefined : log },
      {
        provide: ROOM_STORE,
        useFactory: async (): Promise<RoomStore> =>
          options.redis ? new RedisRoomStore(await redis('room-store'), options.limits, prefix) : new InMemoryRoomStore(hub, options.limits),
      },
      {
        provide: ROOM_FEED,
        useFactory: async (): Promise<RoomFeed> =>
          options.redis ? new RedisRoomFeed(await redis('room-feed', true), prefix) : hub.createFeed(),
      },
      {
        provide: EVENT_SINK,
        useFactory: (): EventSink => {
          if (!kafka) return log;
          const sink = new KafkaEventSink(kafka);
          resources.closers.push(() => sink.close());
          return sink;
        },
      },
      {
        provide: EVENT_SOURCE,
        useFactory: (): EventSource =>
          kafka ? new KafkaEventSource(kafka, options.consumer) : log.createSource(options.consumer.groupId),
      },
      {
        provide: REVOCATION_BUS,
        useFactory: async (): Promise<RevocationBus> =>
          options.redis
            ? new RedisRevocationBus(await redis('revocations'), await redis('revocation-feed'), prefix)
            : new InMemoryRevocationBus(),
      },
    ];
    return {
      module: PortsModule,
      providers,
      exports: [ROOM_STORE, ROOM_FEED, EVENT_SINK, EVENT_SOURCE, IN_MEMORY_EVENT_LOG, REVOCATION_BUS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    for (const close of this.resources.closers) await close().catch((error: Error) => this.logger.warn(error.message));
    await Promise.all(this.resources.redis.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }
}
