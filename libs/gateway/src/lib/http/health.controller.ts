import { Controller, Get, Inject } from '@nestjs/common';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';

/** Liveness: the process is up and its event loop answers. */
@Controller()
export class HealthController {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  @Get('health')
  health() {
    return { status: 'healthy', timestamp: new Date().toISOString(), version: this.options.version };
  }
}
