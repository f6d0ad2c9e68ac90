import type { DEXEventType } from '@moonx-farm/events';

/*
 * Socket.IO rooms the gateway uses to mark sockets, never joined by clients (client rooms
 * are validated by parseRoom and cannot start with "__").
 */

/** Sockets that asked for batched delivery (`auth: { batch: true }`) sit in this room. */
export const BATCH_ROOM = '__batch';
/** Sockets that skip an event type (subscribe filter) sit in this room. */
export const skipRoomOf = (type: DEXEventType): string => `__skip:${type}`;
/** Slow sockets whose market data for a room is paused (conflated) sit in this room. */
export const pausedRoomOf = (room: string): string => `__paused:${room}`;
