import { DEX_EVENT_TYPES } from './event-types';
import { MAX_ROOM_LENGTH } from './room-names';
import { describeValidationError, joinRoomRequestSchema, leaveRoomRequestSchema, refreshTokenRequestSchema, subscribeRequestSchema } from './client-request.schema';
import type { z } from 'zod';

function errorOf(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return describeValidationError(result.error);
}

describe('joinRoomRequestSchema', () => {
  it('accepts {room} and {room, resume: {seq}}', () => {
    expect(joinRoomRequestSchema.parse({ room: 'price:BTC-USDC' })).toEqual({ room: 'price:BTC-USDC' });
    expect(joinRoomRequestSchema.parse({ room: 'user:u1', resume: { seq: 0 } })).toEqual({
      room: 'user:u1',
      resume: { seq: 0 },
    });
    expect(joinRoomRequestSchema.parse({ room: 'user:u1', resume: { seq: Number.MAX_SAFE_INTEGER } }).resume?.seq).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('accepts a room at the length limit (the room itself is checked later by parseRoom)', () => {
    expect(joinRoomRequestSchema.safeParse({ room: 'x'.repeat(MAX_ROOM_LENGTH) }).success).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['an extra field', { room: 'price:BTC-USDC', admin: true }, 'payload: '],
    ['an extra field in resume', { room: 'user:u1', resume: { seq: 1, since: 0 } }, 'resume: '],
    ['a fractional seq', { room: 'user:u1', resume: { seq: 1.5 } }, 'resume.seq: '],
    ['a negative seq', { room: 'user:u1', resume: { seq: -1 } }, 'resume.seq: '],
    ['a seq beyond safe integers', { room: 'user:u1', resume: { seq: 2 ** 60 } }, 'resume.seq: '],
    ['a seq as a string', { room: 'user:u1', resume: { seq: '5' } }, 'resume.seq: '],
    ['resume as a number', { room: 'user:u1', resume: 5 }, 'resume: '],
    ['an empty room', { room: '' }, 'room: '],
    ['a huge room', { room: 'x'.repeat(MAX_ROOM_LENGTH + 1) }, 'room: '],
    ['a room as a number', { room: 42 }, 'room: '],
    ['a missing room', {}, 'room: '],
  ])('rejects %s', (_label, input, prefix) => {
    expect(errorOf(joinRoomRequestSchema, input).startsWith(prefix)).toBe(true);
  });

  it.each([null, undefined, 'price:BTC-USDC', 42, true, [], [{ room: 'price:BTC-USDC' }]])(
    'rejects a non-object request: %p',
    (input) => {
      expect(joinRoomRequestSchema.safeParse(input).success).toBe(false);
    },
  );
});

describe('leaveRoomRequestSchema and refreshTokenRequestSchema', () => {
  it('leave_room takes exactly {room}', () => {
    expect(leaveRoomRequestSchema.parse({ room: 'trade:ETH-USDC' })).toEqual({ room: 'trade:ETH-USDC' });
    expect(leaveRoomRequestSchema.safeParse({ room: 'trade:ETH-USDC', resume: { seq: 1 } }).success).toBe(false);
    expect(leaveRoomRequestSchema.safeParse({ room: 'x'.repeat(MAX_ROOM_LENGTH + 1) }).success).toBe(false);
  });

  it('refresh_token takes a non-empty token of bounded size', () => {
    expect(refreshTokenRequestSchema.parse({ token: 'a.b.c' })).toEqual({ token: 'a.b.c' });
    expect(refreshTokenRequestSchema.safeParse({ token: '' }).success).toBe(false);
    expect(refreshTokenRequestSchema.safeParse({ token: 'x'.repeat(8193) }).success).toBe(false);
    expect(refreshTokenRequestSchema.safeParse({ token: 'a.b.c', extra: 1 }).success).toBe(false);
  });
});

describe('subscribeRequestSchema', () => {
  it('accepts every known event type, and an empty list (meaning all)', () => {
    expect(subscribeRequestSchema.parse({ types: [...DEX_EVENT_TYPES] }).types).toEqual([...DEX_EVENT_TYPES]);
    expect(subscribeRequestSchema.parse({ types: [] })).toEqual({ types: [] });
  });

  it.each<[string, unknown, string]>([
    // The original README's example names are not event types.
    ['README-style names', { types: ['price_updates', 'trades'] }, 'types.0: '],
    ['an unknown type after a good one', { types: ['price_update', 'candles'] }, 'types.1: '],
    ['a Kafka topic instead of an event type', { types: ['price.updates'] }, 'types.0: '],
    ['an enum key instead of its value', { types: ['PRICE_UPDATE'] }, 'types.0: '],
    ['types not an array', { types: 'price_update' }, 'types: '],
    ['too many entries', { types: Array(17).fill('price_update') }, 'types: '],
    ['an extra field', { types: [], all: true }, 'payload: '],
    ['missing types', {}, 'types: '],
  ])('rejects %s', (_label, input, prefix) => {
    expect(errorOf(subscribeRequestSchema, input).startsWith(prefix)).toBe(true);
  });
});

describe('describeValidationError', () => {
  it('gives "path: message" for the first issue', () => {
    const result = joinRoomRequestSchema.safeParse({ room: 'user:u1', resume: { seq: -1 } });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    expect(describeValidationError(result.error!)).toBe(`resume.seq: ${issue.message}`);
  });

  it('uses "payload" for an issue at the root', () => {
    const result = joinRoomRequestSchema.safeParse('price:BTC-USDC');
    expect(describeValidationError(result.error!)).toBe(`payload: ${result.error!.issues[0].message}`);
  });

  it('names the unexpected field for a strict object', () => {
    expect(errorOf(joinRoomRequestSchema, { room: 'price:BTC-USDC', admin: true })).toMatch(/^payload: .*admin/);
  });
});
