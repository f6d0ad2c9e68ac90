import { z } from 'zod';
import { DEXEventType } from './event-types';
import { MAX_ROOM_LENGTH } from './room-names';

/*
 * Runtime validation of what clients send. Strict objects: an unexpected field is a mistake
 * worth telling the client about, not something to guess around.
 */

export const joinRoomRequestSchema = z.strictObject({
  room: z.string().min(1).max(MAX_ROOM_LENGTH),
  resume: z.strictObject({ seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }).optional(),
});

export const leaveRoomRequestSchema = z.strictObject({
  room: z.string().min(1).max(MAX_ROOM_LENGTH),
});

export const subscribeRequestSchema = z.strictObject({
  types: z.array(z.enum(DEXEventType)).max(16),
});

export const refreshTokenRequestSchema = z.strictObject({
  token: z.string().min(1).max(8192),
});

/** Turns a zod error into one short sentence for an error reply. */
export function describeValidationError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'payload';
  return `${path}: ${issue.message}`;
}
