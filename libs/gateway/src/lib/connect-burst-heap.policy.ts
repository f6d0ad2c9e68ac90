import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { applyGatewayHeapMode } from './gateway-heap-mode';
import { GATEWAY_METRICS } from './gateway-metrics';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway-options';

/** What sets V8's heap growth at run time; specs give their own to watch the policy's decisions. */
export const HEAP_GROWTH_SETTER = Symbol('HEAP_GROWTH_SETTER');

/** Quiet seconds (below the burst rate) before the replica's usual heap setting comes back. */
const QUIET_SECONDS_TO_END = 2;

export interface ConnectBurstSettings {
  /** The replica's usual `--heap-growing-percent` (V8_HEAP_GROWING_PERCENT; 0: V8's heuristics). */
  basePercent: number;
  /** The setting while connects arrive at burst rate; 0 turns the policy off, as does a base setting at or below it. */
  burstPercent: number;
  /** Connects in one second that make a burst. */
  burstConnectsPerSec: number;
}

/**
 * Has V8 collect the old generation sooner while a burst of connects is under way, and leaves
 * it to the replica's usual setting otherwise.
 *
 * Each handshake allocates tens of kilobytes that die within it, but with hundreds of
 * handshakes in flight a good part survives two young-generation collections and is promoted:
 * measured with 19,000 connects (BENCHMARKS.md, scenario 4), the old generation grew by about
 * 11 KiB per connection where 6 KiB stayed live. With V8's heuristics nothing collects that
 * garbage until tens of seconds after the burst, so RSS right after it was about 10 KiB per
 * connection. A burst is also when memory is tightest: a lost replica's clients all reconnect
 * to the others at once.
 *
 * `--heap-growing-percent` is read each time V8 sets its next limit, after a full collection,
 * so it can change at run time. The cost of a low value is more full collections, whose pauses
 * reach the p99 of a busy replica (gateway-heap-mode.ts): here they are paid during the burst
 * only, and the replica's usual setting is back two quiet seconds after it. Measured with 19,000
 * connects: RSS 3 s after them 7.2-7.6 KiB per connection at 20 % (9.0 in one run of seven),
 * 7.7-8.5 at 50 %. At 20 % a full collection ran about every half second during the burst,
 * each pausing the loop 8-19 ms. With fewer Redis reads per connect it works better: the joins of
 * `system:alerts` share theirs (rooms/shared-start.reader.ts), and without that it measured 9.4-9.7.
 */
@Injectable()
export class ConnectBurstHeapPolicy implements OnModuleInit, OnModuleDestroy {
  private readonly settings: ConnectBurstSettings;
  private connects = 0;
  private inBurst = false;
  private quietSeconds = 0;
  private timer?: NodeJS.Timeout;
  private readonly setter: (percent: number) => void;

  constructor(
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    @InjectMetric(GATEWAY_METRICS.heapGrowingPercent) private readonly inForce: Gauge,
    @Optional() @Inject(HEAP_GROWTH_SETTER) setter?: (percent: number) => void,
  ) {
    this.setter = setter ?? applyGatewayHeapMode;
    this.settings = {
      basePercent: options.heapGrowingPercent,
      burstPercent: options.connectBurstHeapGrowingPercent,
      burstConnectsPerSec: options.connectBurstPerSec,
    };
    // The app applied the base setting at start (main.ts), before this module existed.
    inForce.set(options.heapGrowingPercent);
  }

  private apply(percent: number): void {
    this.setter(percent);
    this.inForce.set(percent);
  }

  /** A connection was accepted. */
  noteConnect(): void {
    this.connects++;
  }

  /** Whether the burst setting is the one in force. */
  get bursting(): boolean {
    return this.inBurst;
  }

  /** Once a second: starts or ends a burst from the connects of the second gone by. */
  tick(): void {
    const connects = this.connects;
    this.connects = 0;
    const { basePercent, burstPercent, burstConnectsPerSec } = this.settings;
    if (!this.switches) return;
    if (connects >= burstConnectsPerSec) {
      this.quietSeconds = 0;
      if (!this.inBurst) {
        this.inBurst = true;
        this.apply(burstPercent);
      }
    } else if (this.inBurst && ++this.quietSeconds >= QUIET_SECONDS_TO_END) {
      this.inBurst = false;
      this.apply(basePercent);
    }
  }

  /** Off at 0, and where the replica already collects at least as often as a burst would have it. */
  private get switches(): boolean {
    const { basePercent, burstPercent } = this.settings;
    return burstPercent > 0 && (basePercent === 0 || basePercent > burstPercent);
  }

  onModuleInit(): void {
    if (!this.switches) return;
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.inBurst) this.apply(this.settings.basePercent);
    this.inBurst = false;
  }
}
