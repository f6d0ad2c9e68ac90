import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ROOM_STORE, TOKEN_VERIFIER, type RoomStore, type TokenVerifier } from '@moonx-farm/server-core';
import { SYSTEM_ALERTS_ROOM } from '@moonx-farm/events';
import { BridgeTokenVerifier } from '../auth/bridge-token-verifier';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import { RoomFanoutService } from '../rooms/room-fanout.service';
import { ConnectionRegistry } from '../socket/connection-registry';
import { DrainState } from '../socket/drain-state';

/** Readiness, load-balancer status and live statistics of this replica. */
@Controller()
export class OpsController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly registry: ConnectionRegistry,
    private readonly drain: DrainState,
    private readonly fanout: RoomFanoutService,
  ) {}

  /** Ready: not draining, the room store answers, the auth bridge is not known to be down. */
  @Get('ready')
  async ready() {
    const checks = {
      draining: this.drain.draining,
      store: await this.storeReachable(),
      authBridge: this.breakerState() ?? 'in-process',
    };
    const ready = !checks.draining && checks.store && checks.authBridge !== 'open';
    if (!ready) throw new HttpException({ status: 'not ready', checks }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready', checks };
  }

  @Get('lb/status')
  lbStatus() {
    const connections = this.registry.total;
    return {
      status: this.drain.draining ? 'draining' : connections >= this.options.maxConnections ? 'full' : 'accepting',
      connections,
      capacity: this.options.maxConnections,
      load: Number((connections / this.options.maxConnections).toFixed(4)),
      circuitBreakers: { authBridge: this.breakerState() ?? 'in-process' },
    };
  }

  @Get('stats')
  stats() {
    const memory = process.memoryUsage();
    return {
      connections: this.registry.total,
      authenticatedUsers: this.registry.authenticatedUsers,
      subscribedRooms: this.fanout.subscribedRooms,
      batchFrameBudgetPerSec: this.fanout.frameBudget,
      uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      version: this.options.version,
    };
  }

  private breakerState(): string | undefined {
    return this.verifier instanceof BridgeTokenVerifier ? this.verifier.breaker.currentState : undefined;
  }

  private async storeReachable(): Promise<boolean> {
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
    return Promise.race([this.store.currentSeq(SYSTEM_ALERTS_ROOM).then(() => true, () => false), timeout]);
  }
}
