/**
 * Room names. Public rooms carry market data for a symbol; private rooms belong to one user.
 * `system:alerts` is the broadcast room every socket is placed in.
 */
export type PublicRoomKind = 'price' | 'orderbook' | 'trade' | 'system';
export type PrivateRoomKind = 'user' | 'portfolio' | 'orders';
export type RoomKind = PublicRoomKind | PrivateRoomKind;

export const PUBLIC_ROOM_KINDS: readonly PublicRoomKind[] = ['price', 'orderbook', 'trade', 'system'];
export const PRIVATE_ROOM_KINDS: readonly PrivateRoomKind[] = ['user', 'portfolio', 'orders'];

/** Trading pair: upper-case base and quote joined by a dash, e.g. `BTC-USDC`. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/;
/** User ids may carry colons (e.g. `did:privy:abc`): a room is split at its first colon only. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
export const MAX_ROOM_LENGTH = 160;
export const SYSTEM_ALERTS_ROOM = 'system:alerts';

/**
 * Builds room names. Symbols are normalised to upper case.
 *
 * @example
 * socket.emit('join_room', { room: createRoomName.price('btc-usdc') }); // 'price:BTC-USDC'
 */
export const createRoomName = {
  price: (symbol: string): string => `price:${normaliseSymbol(symbol)}`,
  orderbook: (symbol: string): string => `orderbook:${normaliseSymbol(symbol)}`,
  trade: (symbol: string): string => `trade:${normaliseSymbol(symbol)}`,
  user: (userId: string): string => `user:${userId}`,
  portfolio: (userId: string): string => `portfolio:${userId}`,
  orders: (userId: string): string => `orders:${userId}`,
  system: (): string => SYSTEM_ALERTS_ROOM,
} as const;

export function normaliseSymbol(symbol: string): string {
  return symbol.trim().toUpperCase();
}

export type ParsedRoom =
  | { name: string; kind: Exclude<PublicRoomKind, 'system'>; visibility: 'public'; symbol: string }
  | { name: string; kind: 'system'; visibility: 'public' }
  | { name: string; kind: PrivateRoomKind; visibility: 'private'; userId: string };

export type RoomParseResult = { ok: true; room: ParsedRoom } | { ok: false; reason: string };

/**
 * Inverse of `createRoomName`: says what a room is, or why it is malformed.
 * Room names are exact: no case folding, no whitespace.
 *
 * @example
 * parseRoom('portfolio:user-1'); // { ok: true, room: { kind: 'portfolio', visibility: 'private', userId: 'user-1', ... } }
 */
export function parseRoom(name: unknown): RoomParseResult {
  if (typeof name !== 'string') return { ok: false, reason: 'room must be a string' };
  if (name.length === 0 || name.length > MAX_ROOM_LENGTH) {
    return { ok: false, reason: `room must be 1 to ${MAX_ROOM_LENGTH} characters` };
  }
  const colon = name.indexOf(':');
  if (colon <= 0) return { ok: false, reason: 'room must look like "kind:id", e.g. "price:BTC-USDC"' };
  const kind = name.slice(0, colon);
  const id = name.slice(colon + 1);
  if (kind === 'system') {
    return name === SYSTEM_ALERTS_ROOM
      ? { ok: true, room: { name, kind: 'system', visibility: 'public' } }
      : { ok: false, reason: `the only system room is "${SYSTEM_ALERTS_ROOM}"` };
  }
  if (kind === 'price' || kind === 'orderbook' || kind === 'trade') {
    if (!SYMBOL_PATTERN.test(id)) {
      return { ok: false, reason: `"${truncate(id)}" is not a symbol like BTC-USDC` };
    }
    return { ok: true, room: { name, kind, visibility: 'public', symbol: id } };
  }
  if (kind === 'user' || kind === 'portfolio' || kind === 'orders') {
    if (!USER_ID_PATTERN.test(id)) return { ok: false, reason: `"${truncate(id)}" is not a valid user id` };
    return { ok: true, room: { name, kind, visibility: 'private', userId: id } };
  }
  return {
    ok: false,
    reason: `unknown room kind "${truncate(kind)}" (expected one of ${[...PUBLIC_ROOM_KINDS, ...PRIVATE_ROOM_KINDS].join(', ')})`,
  };
}

/** The private rooms an authenticated user is placed in on connect. */
export function privateRoomsOf(userId: string): string[] {
  return [createRoomName.user(userId), createRoomName.portfolio(userId), createRoomName.orders(userId)];
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
