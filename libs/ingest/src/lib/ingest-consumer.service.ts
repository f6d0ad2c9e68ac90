import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_SOURCE, type EventSource } from '@moonx-farm/server-core';
import { IngestPipelineService } from './ingest-pipeline.service';
import { INGEST_OPTIONS, type IngestOptions } from './ingest-options';

/** Starts consuming once the app is up; stops (committing nothing half-done) on shutdown. */
@Injectable()
export class IngestConsumerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  private started = false;

  constructor(
    @Inject(EVENT_SOURCE) private readonly source: EventSource,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    private readonly pipeline: IngestPipelineService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.source.start(this.options.topics, (batch) => this.pipeline.handleBatch(batch));
    this.started = true;
    this.logger.log(`consuming ${this.options.topics.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.source.stop();
    this.started = false;
  }

  get isConsuming(): boolean {
    return this.started;
  }
}
