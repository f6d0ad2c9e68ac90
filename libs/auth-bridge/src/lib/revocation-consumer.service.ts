import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_SOURCE, REVOCATION_BUS, type EventSource, type RevocationBus } from '@moonx-farm/server-core';
import { AUTH_BRIDGE_OPTIONS, type AuthBridgeOptions } from './auth-bridge-options';
import { parseRevocationRequest } from './revocation.controller';

/** Revocations published by the auth service on Kafka; a malformed one is logged and skipped. */
@Injectable()
export class RevocationConsumerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Revocations');
  private started = false;

  constructor(
    @Inject(AUTH_BRIDGE_OPTIONS) private readonly options: AuthBridgeOptions,
    @Inject(REVOCATION_BUS) private readonly revocations: RevocationBus,
    @Optional() @Inject(EVENT_SOURCE) private readonly source?: EventSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const topic = this.options.revocationTopic;
    if (!topic || !this.source) return;
    await this.source.start([topic], async (batch) => {
      for (const event of batch) {
        let body: unknown;
        try {
          body = JSON.parse(event.value?.toString('utf8') ?? '');
        } catch {
          body = undefined;
        }
        const revocation = parseRevocationRequest(body, event.timestamp);
        if (revocation) await this.revocations.revoke(revocation);
        else this.logger.warn(`skipped a malformed revocation at ${event.topic}/${event.partition}/${event.offset}`);
      }
    });
    this.started = true;
    this.logger.log(`consuming revocations from ${topic}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.source?.stop();
  }
}
