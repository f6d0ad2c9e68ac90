import { MAX_ROOM_LENGTH, PRIVATE_ROOM_KINDS, PUBLIC_ROOM_KINDS, SYSTEM_ALERTS_ROOM, createRoomName, normaliseSymbol, parseRoom, privateRoomsOf, ParsedRoom } from './room-names';

function parsed(name: unknown): ParsedRoom {
  const result = parseRoom(name);
  if (!result.ok) throw new Error(`expected "${String(name)}" to parse, got: ${result.reason}`);
  return result.room;
}

function reasonFor(name: unknown): string {
  const result = parseRoom(name);
  if (result.ok) throw new Error(`expected "${String(name)}" to be rejected`);
  return result.reason;
}

describe('createRoomName', () => {
  it('builds public rooms with the symbol upper-cased and trimmed', () => {
    expect(createRoomName.price('btc-usdc')).toBe('price:BTC-USDC');
    expect(createRoomName.orderbook('Eth-Usdc')).toBe('orderbook:ETH-USDC');
    expect(createRoomName.trade(' pepe-weth ')).toBe('trade:PEPE-WETH');
    expect(normaliseSymbol(' sol-usdt\n')).toBe('SOL-USDT');
  });

  it('builds private rooms with the user id unchanged (case matters)', () => {
    expect(createRoomName.user('User-1')).toBe('user:User-1');
    expect(createRoomName.portfolio('did:privy:abc')).toBe('portfolio:did:privy:abc');
    expect(createRoomName.orders('0xAbC')).toBe('orders:0xAbC');
  });

  it('has one builder per room kind, and the system room is the broadcast room', () => {
    expect(Object.keys(createRoomName).sort()).toEqual([...PUBLIC_ROOM_KINDS, ...PRIVATE_ROOM_KINDS].sort());
    expect(createRoomName.system()).toBe('system:alerts');
    expect(SYSTEM_ALERTS_ROOM).toBe('system:alerts');
  });

  it('privateRoomsOf lists the three private rooms of a user', () => {
    expect(privateRoomsOf('did:privy:abc')).toEqual([
      'user:did:privy:abc',
      'portfolio:did:privy:abc',
      'orders:did:privy:abc',
    ]);
  });
});

describe('parseRoom round-trips createRoomName', () => {
  it.each(['price', 'orderbook', 'trade'] as const)('public %s room', (kind) => {
    const name = createRoomName[kind]('btc-usdc');
    expect(parsed(name)).toEqual({ name, kind, visibility: 'public', symbol: 'BTC-USDC' });
  });

  it.each(['user', 'portfolio', 'orders'] as const)('private %s room', (kind) => {
    const name = createRoomName[kind]('user-123');
    expect(parsed(name)).toEqual({ name, kind, visibility: 'private', userId: 'user-123' });
  });

  it('system room', () => {
    expect(parsed(createRoomName.system())).toEqual({ name: 'system:alerts', kind: 'system', visibility: 'public' });
  });

  it('splits at the first colon only, so user ids may carry colons', () => {
    expect(parsed('user:did:privy:abc')).toMatchObject({ kind: 'user', userId: 'did:privy:abc' });
    expect(parsed(createRoomName.portfolio('did:privy:cm1x2y3'))).toMatchObject({
      kind: 'portfolio',
      visibility: 'private',
      userId: 'did:privy:cm1x2y3',
    });
  });

  it('accepts user ids with the allowed punctuation', () => {
    for (const userId of ['a', 'user_1', 'alice@example.com', '0xAbCdEf0123', 'a.b-c:d']) {
      expect(parsed(createRoomName.orders(userId))).toMatchObject({ userId });
    }
  });

  it('accepts symbols at the length limit and digits in symbols', () => {
    const longSymbol = `${'A'.repeat(16)}-${'1'.repeat(16)}`;
    expect(parsed(`trade:${longSymbol}`)).toMatchObject({ symbol: longSymbol });
    expect(parsed('price:1INCH-USDC')).toMatchObject({ symbol: '1INCH-USDC' });
  });

  it('every public kind is public and every private kind is private', () => {
    for (const kind of PUBLIC_ROOM_KINDS) {
      const name = kind === 'system' ? createRoomName.system() : createRoomName[kind]('ETH-USDC');
      expect(parsed(name).visibility).toBe('public');
    }
    for (const kind of PRIVATE_ROOM_KINDS) {
      expect(parsed(createRoomName[kind]('u1')).visibility).toBe('private');
    }
  });
});

describe('parseRoom rejects malformed rooms with a reason', () => {
  it.each<[string, unknown, RegExp]>([
    ['empty', '', /1 to 160 characters/],
    ['too long', `user:${'a'.repeat(MAX_ROOM_LENGTH)}`, /1 to 160 characters/],
    ['no colon', 'priceBTC-USDC', /kind:id/],
    ['leading colon', ':BTC-USDC', /kind:id/],
    ['unknown kind', 'candles:BTC-USDC', /unknown room kind "candles"/],
    ['upper-case kind', 'PRICE:BTC-USDC', /unknown room kind/],
    ['lower-case symbol', 'price:btc-usdc', /not a symbol/],
    ['symbol without dash', 'price:BTCUSDC', /not a symbol/],
    ['symbol with two dashes', 'orderbook:A-B-C', /not a symbol/],
    ['symbol part too long', `trade:${'A'.repeat(17)}-USDC`, /not a symbol/],
    ['empty symbol', 'price:', /not a symbol/],
    ['whitespace in symbol', 'price: BTC-USDC', /not a symbol/],
    ['empty user id', 'user:', /not a valid user id/],
    ['user id starting with punctuation', 'user:-abc', /not a valid user id/],
    ['space in user id', 'portfolio:a b', /not a valid user id/],
    ['slash in user id', 'orders:a/b', /not a valid user id/],
    ['brace in user id (would break the Redis hash tag)', 'user:a}b', /not a valid user id/],
    ['user id too long', `user:${'a'.repeat(129)}`, /not a valid user id/],
    ['other system room', 'system:other', /only system room is "system:alerts"/],
    ['system without id', 'system:', /only system room/],
    ['number', 42, /must be a string/],
    ['object', { room: 'price:BTC-USDC' }, /must be a string/],
    ['null', null, /must be a string/],
    ['undefined', undefined, /must be a string/],
    ['array', ['price:BTC-USDC'], /must be a string/],
  ])('%s', (_label, name, reason) => {
    expect(reasonFor(name)).toMatch(reason);
  });

  it('truncates long offending values in the reason', () => {
    const reason = reasonFor(`user:-${'x'.repeat(120)}`);
    expect(reason.length).toBeLessThan(80);
    expect(reason).toContain('…');
  });
});
