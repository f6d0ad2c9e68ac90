import { Module, type DynamicModule } from '@nestjs/common';
import { ConnectBurstHeapPolicy } from './connect-burst-heap.policy';
import { gatewayMetricProviders } from './gateway-metrics';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway-options';
import { HealthController } from './http/health.controller';
import { LiveConsoleController } from './http/live-console.controller';
import { OpsController } from './http/ops.controller';
import { SlowSocketMonitor } from './rooms/slow-socket.monitor';
import { SymbolDirectory } from './rooms/symbol-directory';
import { ConnectionRegistry } from './socket/connection-registry';
import { DrainState } from './socket/drain-state';
import { SocketLifecycleService } from './socket/socket-lifecycle.service';
import { RoomAuthorizer } from './rooms/room-authorizer';
import { RoomFanoutService } from './rooms/room-fanout.service';
import { RoomJoinService } from './rooms/room-join.service';
import { ClientRequestHandler } from './socket/client-request.handler';
import { ConnectionGuard } from './socket/connection-guard';
import { SocketGateway } from './socket/socket.gateway';

/**
 * The gateway service: Socket.IO endpoint, rooms, fan-out and HTTP ops endpoints. Needs the
 * ROOM_STORE, ROOM_FEED and TOKEN_VERIFIER ports from a global module of the app.
 */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController, OpsController, ...(options.liveConsole ? [LiveConsoleController] : [])],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        ...gatewayMetricProviders,
        RoomAuthorizer,
        SymbolDirectory,
        SlowSocketMonitor,
        ConnectionRegistry,
        DrainState,
        SocketLifecycleService,
        ConnectBurstHeapPolicy,
        RoomFanoutService,
        RoomJoinService,
        ConnectionGuard,
        ClientRequestHandler,
        SocketGateway,
      ],
      exports: [RoomFanoutService, SocketLifecycleService],
    };
  }
}
