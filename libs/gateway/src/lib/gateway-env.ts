import { z } from 'zod';
import { boolVar, intVar, listVar, portVar, tokenEnvShape } from '@moonx-farm/server-core';
import type { GatewayOptions } from './gateway-options';
import type { SocketServerSettings } from './socket/configured-io.adapter';

/** Environment variables of the gateway service (names from the original README where it had them). */
export const gatewayEnvShape = {
  WEBSOCKET_GATEWAY_PORT: portVar(3007),
  WEBSOCKET_GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  PING_INTERVAL: intVar(25000, 1000, 600000),
  PING_TIMEOUT: intVar(60000, 1000, 600000),
  MAX_HTTP_BUFFER_SIZE: intVar(16384, 1024, 10_000_000),
  ENABLE_COMPRESSION: boolVar(false),
  TRANSPORTS: z.literal('websocket', { error: 'only "websocket" is supported' }).default('websocket'),
  CORS_ORIGINS: listVar(['*']),
  CORS_METHODS: listVar(['GET', 'POST']),
  CORS_CREDENTIALS: boolVar(true),
  ALLOW_ANONYMOUS: boolVar(true),
  MAX_ROOMS_PER_SOCKET: intVar(50, 4, 10000),
  MAX_RESUME_EVENTS: intVar(1000, 1, 100000),
  ...tokenEnvShape,
};

export type GatewayEnv = z.output<z.ZodObject<typeof gatewayEnvShape>>;

export function gatewayOptionsFrom(env: GatewayEnv, version: string): GatewayOptions {
  return {
    allowAnonymous: env.ALLOW_ANONYMOUS,
    maxRoomsPerSocket: env.MAX_ROOMS_PER_SOCKET,
    maxResumeEvents: env.MAX_RESUME_EVENTS,
    version,
  };
}

export function socketServerSettingsFrom(env: GatewayEnv): SocketServerSettings {
  return {
    pingIntervalMs: env.PING_INTERVAL,
    pingTimeoutMs: env.PING_TIMEOUT,
    maxHttpBufferSize: env.MAX_HTTP_BUFFER_SIZE,
    perMessageDeflate: env.ENABLE_COMPRESSION,
    corsOrigins: env.CORS_ORIGINS,
    corsMethods: env.CORS_METHODS,
    corsCredentials: env.CORS_CREDENTIALS,
  };
}
