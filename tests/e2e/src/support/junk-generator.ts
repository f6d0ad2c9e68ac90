/*
 * Junk for the fuzz test: seeded, so a failing run can be replayed (FUZZ_SEED), and built to
 * be wrong for the event it is sent to.
 */

// Globals are slow to reach inside Jest's sandbox (a vm context): the hot paths use locals.
const { floor, imul } = Math;

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[floor(random() * items.length)];
}

/** Payloads built to be wrong for `event`: bad types, bad rooms, bad tokens, junk of every shape. */
export function junkFor(event: string, random: () => number): unknown {
  // Nobody connected is this user: joining their rooms is always refused.
  const other = 'somebody-else';
  const roomish = [
    '',
    'price',
    'price:',
    'price:btc-usdc',
    'price:NOPE-USDC',
    'orderbook:BTC_USDC',
    'galaxy:BTC-USDC',
    'system:other',
    `user:${other}`,
    `portfolio:${other}`,
    `orders:${other}`,
    'user:bad id',
    'x'.repeat(161),
    'price:BTC-USDC'.padEnd(200, '!'),
  ];
  const shaped: Record<string, () => unknown> = {
    join_room: () => pick(random, [{ room: pick(random, roomish) }, { room: 'price:BTC-USDC', extra: true }, { room: 'price:BTC-USDC', resume: { seq: -1 } }, { room: 'price:BTC-USDC', resume: { seq: 1.5 } }, { resume: { seq: 1 } }, { room: junk(random, 3) }]),
    leave_room: () => pick(random, [{ room: pick(random, roomish) }, { room: 'price:BTC-USDC' }, { room: 'price:BTC-USDC', also: 1 }, { room: junk(random, 3) }]),
    subscribe: () => pick(random, [{ types: 'price_update' }, { types: ['price_update', 'nope'] }, { types: Array.from({ length: 17 }, () => 'price_update') }, { types: null }, { types: [], more: 1 }, { types: junk(random, 3) }]),
    refresh_token: () => pick(random, [{ token: '' }, { token: 'a.b.c' }, { token: randomString(random, 40) }, { token: 'x'.repeat(9000) }, { token: junk(random, 3) }, { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }]),
  };
  return random() < 0.5 && Object.hasOwn(shaped, event) ? shaped[event]() : junk(random, 5);
}

export function junk(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth <= 0 || roll < 0.35) {
    return pick<() => unknown>(random, [
      () => undefined,
      () => null,
      () => random() < 0.5,
      () => floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1),
      () => 1e308,
      () => randomString(random, floor(random() * 64)),
      () => 'ü€😀\u0000\uffff'.repeat(floor(random() * 20)),
      () => (random() < 0.05 ? 'z'.repeat(60_000) : randomString(random, 1000)),
      () => randomBytes(random, floor(random() * 2048)),
    ])();
  }
  if (roll < 0.55) return Array.from({ length: floor(random() * 6) }, () => junk(random, depth - 1));
  if (roll < 0.6) return nested(1 + floor(random() * 300));
  const object: Record<string, unknown> = {};
  for (let index = floor(random() * 6); index > 0; index--) {
    const key = pick(random, ['room', 'types', 'token', 'resume', 'seq', '__proto__', 'constructor', randomString(random, 8)]);
    // An own "__proto__" key, as JSON.parse on the server will produce it (an assignment would set the prototype).
    Object.defineProperty(object, key, { value: junk(random, depth - 1), enumerable: true, configurable: true, writable: true });
  }
  return object;
}

function nested(depth: number): unknown {
  let value: unknown = { room: 'price:BTC-USDC' };
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { room: value };
  return value;
}

export function randomString(random: () => number, length: number): string {
  return randomBytes(random, length, 32, 95).toString('latin1');
}

function randomBytes(random: () => number, length: number, base = 0, range = 256): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let index = 0; index < length; index++) bytes[index] = base + floor(random() * range);
  return bytes;
}

/** Small seeded PRNG: a failing run can be replayed with FUZZ_SEED. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = imul(value ^ (value >>> 15), value | 1);
    value ^= value + imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function buffersIn(value: unknown): number {
  if (Buffer.isBuffer(value)) return 1;
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  for (const item of Object.values(value)) count += buffersIn(item);
  return count;
}

export function show(value: unknown): string {
  const text = Buffer.isBuffer(value) ? `<Buffer ${value.length}>` : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
