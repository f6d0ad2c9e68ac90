import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { IngestConsumerService } from '../ingest-consumer.service';

@Controller()
export class IngestHealthController {
  constructor(private readonly consumer: IngestConsumerService) {}

  /** Liveness. */
  @Get('health')
  health() {
    return { status: 'healthy', timestamp: new Date().toISOString() };
  }

  /** Readiness: the consumer has joined its group and is consuming. */
  @Get('ready')
  ready() {
    if (!this.consumer.isConsuming) throw new HttpException({ status: 'starting' }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready' };
  }
}
