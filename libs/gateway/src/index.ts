export * from './lib/gateway.module';
export * from './lib/gateway-options';
export * from './lib/gateway-metrics';
export * from './lib/socket/configured-io.adapter';
export * from './lib/rooms/room-fanout.service';
export * from './lib/gateway-env';
export * from './lib/gateway-application';
