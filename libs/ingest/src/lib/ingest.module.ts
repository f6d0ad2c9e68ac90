import { Module, type DynamicModule } from '@nestjs/common';
import { IngestConsumerService } from './ingest-consumer.service';
import { IngestHealthController } from './http/ingest-health.controller';
import { ingestMetricProviders } from './ingest-metrics';
import { INGEST_OPTIONS, type IngestOptions } from './ingest-options';
import { IngestPipelineService } from './ingest-pipeline.service';
import { OrderBookKeeperService } from './order-book/order-book-keeper.service';
import { ORDER_BOOK_SETTINGS, orderBookSettingsOf } from './order-book/order-book-settings';

/**
 * The ingest service: consumes the raw topics and feeds the real-time path. Needs the
 * ROOM_STORE, EVENT_SOURCE and EVENT_SINK ports from a global module of the app.
 */
@Module({})
export class IngestModule {
  /** `withHttp`: serve /health and /ready (the standalone app has the gateway's instead). */
  static forRoot(options: IngestOptions, withHttp = false): DynamicModule {
    return {
      module: IngestModule,
      controllers: withHttp ? [IngestHealthController] : [],
      providers: [
        { provide: INGEST_OPTIONS, useValue: options },
        { provide: ORDER_BOOK_SETTINGS, useValue: orderBookSettingsOf(options.orderBook) },
        ...ingestMetricProviders,
        OrderBookKeeperService,
        IngestPipelineService,
        IngestConsumerService,
      ],
      exports: [IngestPipelineService, IngestConsumerService, OrderBookKeeperService],
    };
  }
}
