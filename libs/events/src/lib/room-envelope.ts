import { DEXEventType } from './event-types';
import type { DeliveredMessage } from './delivered-event.schema';

/**
 * What travels on a room's real-time channel (Redis sharded pub/sub) from ingest to every
 * gateway replica with members in that room. Plain JSON, so a producer in any language can
 * use the real-time path.
 *
 * @example
 * redis.spublish(roomChannel('price:BTC-USDC'), JSON.stringify(envelope));
 */
export interface RoomEnvelope {
  v: 1;
  room: string;
  type: DEXEventType;
  seq: number;
  /** The message exactly as clients receive it (carries room, seq, timestamp, id). */
  payload: DeliveredMessage;
  /** When ingest handed the event to the real-time path (epoch ms), for stage latency. */
  publishedAt: number;
}

/** Key prefix of every Redis key and channel of ours (REDIS_KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'wsg:';

/*
 * Every key of one room shares a Redis Cluster hash slot through the `{room}` hash tag, so one
 * MULTI or Lua script can update sequence, snapshot and history together.
 */
export const roomKeys = (room: string, prefix: string = DEFAULT_KEY_PREFIX) => ({
  channel: `${prefix}{${room}}:live`,
  seq: `${prefix}{${room}}:seq`,
  snapshot: `${prefix}{${room}}:snap`,
  history: `${prefix}{${room}}:hist`,
  seen: `${prefix}{${room}}:seen`,
});

export function roomChannel(room: string, prefix: string = DEFAULT_KEY_PREFIX): string {
  return roomKeys(room, prefix).channel;
}
