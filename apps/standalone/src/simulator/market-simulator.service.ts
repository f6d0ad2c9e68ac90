import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_SINK, type EventSink } from '@moonx-farm/server-core';
import { MarketSimulator, type SimulatorSettings } from './market-simulator';

export const SIMULATOR_SETTINGS = Symbol('SIMULATOR_SETTINGS');

@Injectable()
export class MarketSimulatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MarketSimulator');
  private readonly simulator: MarketSimulator;

  constructor(@Inject(EVENT_SINK) sink: EventSink, @Inject(SIMULATOR_SETTINGS) private readonly settings: SimulatorSettings) {
    this.simulator = new MarketSimulator(sink, settings);
  }

  onApplicationBootstrap(): void {
    this.simulator.start();
    this.logger.log(`publishing ${this.settings.symbols.join(', ')} every ${this.settings.intervalMs} ms`);
  }

  onApplicationShutdown(): void {
    this.simulator.stop();
  }
}
