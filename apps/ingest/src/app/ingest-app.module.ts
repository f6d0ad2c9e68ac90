import { Module, type DynamicModule } from '@nestjs/common';
import { IngestModule, consumerSettingsFrom, ingestOptionsFrom, storeLimitsFrom } from '@moonx-farm/ingest';
import { countConnectionError, kafkaSettingsFrom, metricsModule, redisSettingsFrom } from '@moonx-farm/server-core';
import { PortsModule } from '@moonx-farm/server-ports';
import type { IngestAppEnv } from './ingest.config';

/** The ingest service: Kafka raw topics → validated, sequenced rooms in Redis. */
@Module({})
export class IngestAppModule {
  static forRoot(env: IngestAppEnv): DynamicModule {
    return {
      module: IngestAppModule,
      imports: [
        metricsModule(),
        PortsModule.forRoot({
          redis: redisSettingsFrom(env),
          kafka: kafkaSettingsFrom(env),
          consumer: consumerSettingsFrom(env),
          limits: storeLimitsFrom(env),
          onRedisError: () => countConnectionError('redis_connection_errors'),
          onKafkaError: () => countConnectionError('kafka_connection_errors'),
        }),
        IngestModule.forRoot(ingestOptionsFrom(env), true),
      ],
    };
  }
}
