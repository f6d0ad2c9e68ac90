import { z } from 'zod';
import { boolVar, intVar, listVar, optionalBoolVar, portVar } from '@moonx-farm/server-core';
import type { GatewayOptions } from './gateway-options';
import { MAX_TRUSTED_PROXIES } from './socket/client-address';
import type { SocketServerSettings } from './socket/configured-io.adapter';

/** Environment variables of the gateway service (names from the original README where it had them). */
export const gatewayEnvShape = {
  WEBSOCKET_GATEWAY_PORT: portVar(3007),
  WEBSOCKET_GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  PING_INTERVAL: intVar(25000, 1000, 600000),
  PING_TIMEOUT: intVar(60000, 1000, 600000),
  MAX_HTTP_BUFFER_SIZE: intVar(16384, 1024, 10_000_000),
  ENABLE_COMPRESSION: boolVar(false),
  /** The WebSocket server under Engine.IO: the gateway's lean one, or ws (always ws with compression). */
  WEBSOCKET_ENGINE: z.enum(['lean', 'ws'], { error: 'must be "lean" (the built-in WebSocket server) or "ws"' }).default('lean'),
  TRANSPORTS: z.literal('websocket', { error: 'only "websocket" is supported' }).default('websocket'),
  CORS_ORIGINS: listVar(['*']),
  CORS_METHODS: listVar(['GET', 'POST']),
  CORS_CREDENTIALS: boolVar(true),
  /** Defaults to on outside production, off in production. */
  ALLOW_ANONYMOUS: optionalBoolVar(),
  MAX_ROOMS_PER_SOCKET: intVar(50, 4, 10000),
  MAX_RESUME_EVENTS: intVar(1000, 1, 100000),
  JOIN_TIMEOUT_MS: intVar(5000, 100, 60000),
  MAX_CONNECTIONS: intVar(10000, 1, 10_000_000),
  MAX_CONNECTIONS_PER_IP: intVar(100, 1, 10_000_000),
  /** How many proxies in front of the gateway write X-Forwarded-For: false (none), true (one) or a count. */
  TRUST_PROXY: trustedProxiesVar(),
  CONTROL_RATE_PER_SEC: intVar(10, 1, 10000),
  CONTROL_BURST: intVar(30, 1, 100000),
  KNOWN_SYMBOLS: listVar([]),
  DRAIN_WINDOW_MS: intVar(10000, 0, 600000),
  RECONNECT_DELAY_MS: intVar(1000, 0, 60000),
  SLOW_SOCKET_BYTES: intVar(1_048_576, 1024, 1_073_741_824),
  MAX_SOCKET_BUFFER_BYTES: intVar(8_388_608, 4096, 1_073_741_824),
  SLOW_SOCKET_CHECK_MS: intVar(100, 10, 60000),
  BATCH_WINDOW_MS: intVar(0, 0, 1000),
  BATCH_MAX_FRAMES_PER_SEC: intVar(150_000, 100, 10_000_000),
  BATCH_MIN_FRAMES_PER_SEC: intVar(20_000, 100, 10_000_000),
  BATCH_TARGET_LOAD_PERCENT: intVar(90, 10, 100),
  AUTH_BRIDGE_TIMEOUT_MS: intVar(2000, 50, 60000),
  AUTH_BRIDGE_FAILURE_THRESHOLD: intVar(3, 1, 1000),
  AUTH_BRIDGE_RETRY_MS: intVar(5000, 100, 600000),
  /** How far V8 lets the old generation grow past what is live before it collects, percent; 0: V8's own heuristics (gateway-heap-mode.ts). */
  V8_HEAP_GROWING_PERCENT: intVar(0, 0, 300),
  /** The same while connects arrive at CONNECT_BURST_PER_SEC or more a second, until two quiet seconds; 0: off, as is a V8_HEAP_GROWING_PERCENT above 0 and at or below it (connect-burst-heap.policy.ts). */
  CONNECT_BURST_HEAP_GROWING_PERCENT: intVar(20, 0, 300),
  CONNECT_BURST_PER_SEC: intVar(200, 1, 1_000_000),
  /** The live console page at /console; always off when NODE_ENV=production. */
  LIVE_CONSOLE_ENABLED: boolVar(true),
};

export type GatewayEnv = z.output<z.ZodObject<typeof gatewayEnvShape>>;

export function gatewayOptionsFrom(env: GatewayEnv & { NODE_ENV: string }, version: string): GatewayOptions {
  return {
    allowAnonymous: env.ALLOW_ANONYMOUS ?? env.NODE_ENV !== 'production',
    maxRoomsPerSocket: env.MAX_ROOMS_PER_SOCKET,
    maxResumeEvents: env.MAX_RESUME_EVENTS,
    joinTimeoutMs: env.JOIN_TIMEOUT_MS,
    maxConnections: env.MAX_CONNECTIONS,
    maxConnectionsPerIp: env.MAX_CONNECTIONS_PER_IP,
    trustedProxies: env.TRUST_PROXY,
    controlRatePerSec: env.CONTROL_RATE_PER_SEC,
    controlBurst: env.CONTROL_BURST,
    knownSymbols: env.KNOWN_SYMBOLS.map((symbol) => symbol.toUpperCase()),
    drainWindowMs: env.DRAIN_WINDOW_MS,
    reconnectInMs: env.RECONNECT_DELAY_MS,
    slowSocketBytes: env.SLOW_SOCKET_BYTES,
    maxSocketBufferBytes: Math.max(env.MAX_SOCKET_BUFFER_BYTES, env.SLOW_SOCKET_BYTES),
    slowSocketCheckMs: env.SLOW_SOCKET_CHECK_MS,
    batchWindowMs: env.BATCH_WINDOW_MS,
    batchMaxFramesPerSec: env.BATCH_MAX_FRAMES_PER_SEC,
    // A floor above the ceiling would never let the budget move: the ceiling wins.
    batchMinFramesPerSec: Math.min(env.BATCH_MIN_FRAMES_PER_SEC, env.BATCH_MAX_FRAMES_PER_SEC),
    batchTargetLoadPercent: env.BATCH_TARGET_LOAD_PERCENT,
    heapGrowingPercent: env.V8_HEAP_GROWING_PERCENT,
    connectBurstHeapGrowingPercent: env.CONNECT_BURST_HEAP_GROWING_PERCENT,
    connectBurstPerSec: env.CONNECT_BURST_PER_SEC,
    liveConsole: env.LIVE_CONSOLE_ENABLED && env.NODE_ENV !== 'production',
    version,
  };
}

export function authBreakerOptionsFrom(env: GatewayEnv) {
  return { timeoutMs: env.AUTH_BRIDGE_TIMEOUT_MS, failureThreshold: env.AUTH_BRIDGE_FAILURE_THRESHOLD, openForMs: env.AUTH_BRIDGE_RETRY_MS };
}

export function socketServerSettingsFrom(env: GatewayEnv): SocketServerSettings {
  return {
    pingIntervalMs: env.PING_INTERVAL,
    pingTimeoutMs: env.PING_TIMEOUT,
    maxHttpBufferSize: env.MAX_HTTP_BUFFER_SIZE,
    perMessageDeflate: env.ENABLE_COMPRESSION,
    websocketEngine: env.WEBSOCKET_ENGINE,
    corsOrigins: env.CORS_ORIGINS,
    corsMethods: env.CORS_METHODS,
    corsCredentials: env.CORS_CREDENTIALS,
  };
}

/** `TRUST_PROXY`: false/no/0, true/yes (one proxy, the ingress) or a number of proxies. */
function trustedProxiesVar() {
  const message = `must be false, true (one proxy) or the number of proxies in front of the gateway (0 to ${MAX_TRUSTED_PROXIES})`;
  return z
    .string()
    .trim()
    .refine((value) => /^(true|false|yes|no|\d{1,2})$/.test(value) && !(/^\d+$/.test(value) && Number(value) > MAX_TRUSTED_PROXIES), { error: message })
    .transform((value) => (value === 'true' || value === 'yes' ? 1 : value === 'false' || value === 'no' ? 0 : Number(value)))
    .default(0);
}
