import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { DEXEventType, GatewayErrorBody } from '@moonx-farm/events';
import { messageTailOf } from '@moonx-farm/server-core';
import { createRedisConnection, RedisRoomStore, type RedisConnection } from '@moonx-farm/server-redis';
import {
  connectTestSocket,
  getSharedTestEnv,
  startAppProcess,
  uniqueName,
  type AppProcessHandle,
  type TestSocket,
  type TestSocketOptions,
} from '@moonx-farm/test-env';

/*
 * What the gateway/auth-bridge e2e files share: booting the apps on the shared Redis under a
 * key prefix of their own (files run in parallel), reading refusals, and writing events into
 * the room store the way ingest does.
 */

/** Redis variables for one test file: a unique key prefix keeps parallel files apart. */
export function redisEnv(label: string): Record<string, string> {
  const env = getSharedTestEnv();
  // REDIS_KEY_PREFIX allows 32 characters; uniqueName adds pid, counter and 8 hex digits.
  return { REDIS_HOST: env.redis.host, REDIS_PORT: String(env.redis.port), REDIS_KEY_PREFIX: `${uniqueName(label.slice(0, 6))}:` };
}

export function startGateway(env: Record<string, string>): Promise<AppProcessHandle> {
  return startAppProcess('gateway', { portVariable: 'WEBSOCKET_GATEWAY_PORT', readyPath: '/ready', env });
}

export function startAuthBridge(env: Record<string, string>): Promise<AppProcessHandle> {
  return startAppProcess('auth-bridge', { portVariable: 'AUTH_BRIDGE_PORT', readyPath: '/ready', env });
}

/** A connect that must be refused: resolves with the refusal's `data` (the gateway's error body). */
export async function refusalOf(url: string, options: TestSocketOptions = {}): Promise<GatewayErrorBody> {
  let socket: TestSocket | undefined;
  try {
    socket = await connectTestSocket(url, options);
  } catch (error) {
    const data = (error as { data?: GatewayErrorBody }).data;
    if (!data) throw error;
    return data;
  }
  socket.close();
  throw new Error('the connect was accepted, a refusal was expected');
}

/** A raw socket.io-client (for what connectTestSocket does not offer: headers, no auth). */
export function openRawSocket(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
  });
}

/** Resolves with the disconnect reason (at once if the socket is already disconnected). */
export function disconnectOf(socket: Socket, timeoutMs = 5000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason: string) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

export { waitFor } from '@moonx-farm/test-env';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Appends events to rooms exactly as ingest does (RedisRoomStore: seq, snapshot, history and
 * the room channel in one Lua call), so the gateway under test cannot tell the difference.
 */
export class RoomPublisher {
  private readonly redis: RedisConnection;
  private readonly store: RedisRoomStore;

  constructor(env: Record<string, string>) {
    this.redis = createRedisConnection(
      { host: env['REDIS_HOST'], port: Number(env['REDIS_PORT']), db: 0, keyPrefix: env['REDIS_KEY_PREFIX'], clusterNodes: [] },
      { name: 'e2e-publisher' },
    );
    this.store = new RedisRoomStore(this.redis, { historyLimit: 1000, dedupeWindow: 1000 }, env['REDIS_KEY_PREFIX']);
  }

  async publish(room: string, type: DEXEventType, fields: Record<string, unknown>, snapshot = false): Promise<number> {
    const id = uniqueName('evt');
    const messageTail = messageTailOf({ room, timestamp: Date.now(), id, ...fields });
    const result = await this.store.append({
      room,
      type,
      eventId: id,
      messageTail,
      snapshotTail: snapshot ? messageTail : undefined,
      publishedAt: Date.now(),
    });
    return result.seq;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
