import { MAX_DECIMAL_INPUT_LENGTH, compareDecimals, isZeroDecimal, toDecimalString } from './decimal';
import { decimalStringSchema } from './decimal.schema';

/** Canonical form: no exponent, no `+`, no leading or trailing zeros, and never `-0`. */
const CANONICAL = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

function valueOf(input: unknown): string {
  const result = toDecimalString(input);
  if (!result.ok) throw new Error(`expected ${String(input)} to parse, got: ${result.reason}`);
  return result.value;
}

/** mulberry32: a tiny deterministic PRNG so a failing case can be reproduced from its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Doubles spread over magnitudes about 1e-51 .. 1e35, both signs, plus some integers: all of
 * them are within the 80-character limit once written out without an exponent.
 */
function randomDouble(random: () => number): number {
  const sign = random() < 0.5 ? -1 : 1;
  if (random() < 0.2) return sign * Math.floor(random() * Number.MAX_SAFE_INTEGER);
  const exponent = Math.floor(random() * 71) - 35;
  return sign * random() * 10 ** exponent;
}

/** Any finite double, from random bits: every magnitude from 5e-324 to 1.8e308. */
function randomBitsDouble(random: () => number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, Math.floor(random() * 2 ** 32));
  view.setUint32(4, Math.floor(random() * 2 ** 32));
  const x = view.getFloat64(0);
  return Number.isFinite(x) ? x : 1;
}

describe('toDecimalString', () => {
  it.each<[number | string, string]>([
    [45000.5, '45000.5'],
    [0.1, '0.1'],
    [2500.0, '2500'],
    [-2.5, '-2.5'],
    [0, '0'],
    [-0, '0'],
    [1e-7, '0.0000001'],
    [1.5e-10, '0.00000000015'],
    [1e21, '1000000000000000000000'],
    [1234567.89, '1234567.89'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['+1.50', '1.5'],
    ['007.000', '7'],
    ['.5', '0.5'],
    ['-.5', '-0.5'],
    ['5.', '5'],
    ['0.0', '0'],
    ['1E3', '1000'],
    ['12.5e-3', '0.0125'],
    ['0001.5e-2', '0.015'],
    ['1.230000000000000001e3', '1230.000000000000001'],
    ['123456789.123456789012345678', '123456789.123456789012345678'],
    ['0.000000000000000001', '0.000000000000000001'],
  ])('%p -> %p', (input, expected) => {
    expect(toDecimalString(input)).toEqual({ ok: true, value: expected });
  });

  it('keeps an 18-decimal token amount that a double would round', () => {
    const amount = '1234567.123456789012345678';
    expect(Number(amount).toString()).not.toBe(amount); // a double cannot hold it
    expect(valueOf(amount)).toBe(amount);
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['empty string', ''],
    ['letters', 'abc'],
    ['two points', '1.2.3'],
    ['hex', '0x10'],
    ['leading space', ' 1'],
    ['trailing space', '1 '],
    ['thousands separator', '1,000'],
    ['sign only', '-'],
    ['point only', '.'],
    ['exponent without mantissa', 'e5'],
    ['exponent without digits', '1e'],
    ['double sign', '--1'],
    ['string NaN', 'NaN'],
    ['string Infinity', 'Infinity'],
    ['too long', '1'.repeat(MAX_DECIMAL_INPUT_LENGTH + 1)],
    ['huge exponent', '1e101'],
    ['zero with a huge exponent', '0e101'],
    ['huge negative exponent', '1e-101'],
    ['four-digit exponent', '1e1000'],
    ['number beyond the exponent range', 1e300],
    ['smallest double', Number.MIN_VALUE],
    ['null', null],
    ['undefined', undefined],
    ['boolean', true],
    ['bigint', BigInt(5)],
    ['object', { value: '1' }],
    ['array', ['1']],
  ])('rejects %s with a reason', (_label, input) => {
    const result = toDecimalString(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });

  it('names the exponent when it is out of range', () => {
    expect(toDecimalString('0e101')).toEqual({ ok: false, reason: 'exponent is out of range' });
    expect(toDecimalString('5e-999')).toEqual({ ok: false, reason: 'exponent is out of range' });
    expect(valueOf('0e100')).toBe('0');
  });

  it('accepts values up to the length limit once written out in full', () => {
    expect(valueOf('9'.repeat(MAX_DECIMAL_INPUT_LENGTH))).toBe('9'.repeat(MAX_DECIMAL_INPUT_LENGTH));
    expect(valueOf('1e79')).toBe(`1${'0'.repeat(79)}`);
    expect(valueOf('1e-78')).toBe(`0.${'0'.repeat(77)}1`);
    expect(valueOf('-1e78')).toBe(`-1${'0'.repeat(78)}`);
    // uint256 max with 18 decimals still fits.
    const maxUint256 = '115792089237316195423570985008687907853269984665640564039457.584007913129639935';
    expect(valueOf(maxUint256)).toBe(maxUint256);
  });

  it.each<[string, unknown]>([
    ['1e80', '1e80'],
    ['1e-79', '1e-79'],
    ['-1e79', '-1e79'],
    ['1e100 (within the exponent range)', '1e100'],
    ['number 1e90', 1e90],
    ['number 1e-90', 1e-90],
  ])('rejects %s: its full form would exceed the length limit', (_label, input) => {
    expect(toDecimalString(input).ok).toBe(false);
  });

  it('every accepted value is itself a valid string input (publisher output re-parsed by ingest)', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 3000; i++) {
      const exponent = Math.floor(random() * 201) - 100;
      const input = `${random() < 0.5 ? '-' : ''}${Math.floor(random() * 1e9)}.${Math.floor(random() * 1e9)}e${exponent}`;
      const first = toDecimalString(input);
      if (first.ok && valueOf(first.value) !== first.value) throw new Error(`"${input}" -> "${first.value}" is not stable`);
    }
  });

  it('is idempotent: a canonical value parses to itself', () => {
    for (const value of ['0', '-1.5', '1000000000000000000000', '0.0000001']) {
      expect(valueOf(value)).toBe(value);
    }
  });
});

describe('toDecimalString on random doubles (property)', () => {
  function checkRoundTrip(x: number): void {
    const value = valueOf(x);
    if (!CANONICAL.test(value) || value === '-0' || Number(value) !== x || valueOf(value) !== value) {
      throw new Error(`round trip failed for ${x}: got "${value}"`);
    }
    expect(decimalStringSchema.safeParse(value).success).toBe(true);
  }

  it('round-trips 5,000 seeded doubles exactly and canonically', () => {
    const random = seededRandom(0xc0ffee);
    for (let i = 0; i < 5000; i++) checkRoundTrip(randomDouble(random));
  });

  it('round-trips 2,000 Math.random doubles (failing values are printed)', () => {
    for (let i = 0; i < 2000; i++) checkRoundTrip(randomDouble(Math.random));
  });

  it('round-trips edge doubles', () => {
    for (const x of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.EPSILON, 0.1 + 0.2, 1e-60, 9.99e70]) {
      checkRoundTrip(x);
    }
  });

  it('any double is either rejected with a reason or round-trips; moderate magnitudes are accepted', () => {
    const random = seededRandom(2024);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const x = randomBitsDouble(random);
      const result = toDecimalString(x);
      if (result.ok) {
        accepted++;
        checkRoundTrip(x);
      } else if (result.reason.length === 0 || (Math.abs(x) >= 1e-40 && Math.abs(x) <= 1e40) || x === 0) {
        throw new Error(`${x} was rejected: "${result.reason}"`);
      }
    }
    // About a quarter of bit patterns have |x| within 1e-60..1e80; all of those must pass.
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('compareDecimals', () => {
  it.each<[string, string, -1 | 0 | 1]>([
    ['1', '2', -1],
    ['2', '1', 1],
    ['1.5', '1.5', 0],
    ['10', '9', 1],
    ['9.99', '10', -1],
    ['0.1', '0.10000000000000000001', -1],
    ['0.10000000000000000001', '0.1', 1],
    ['-0.1', '-0.10000000000000000001', 1],
    ['-1', '1', -1],
    ['1', '-1', 1],
    ['-2', '-10', 1],
    ['0', '-0.000000000000000001', 1],
    ['0', '0.000000000000000001', -1],
    ['1.05', '1.5', -1],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
  ])('compare(%p, %p) = %p', (a, b, expected) => {
    expect(compareDecimals(a, b)).toBe(expected);
  });

  it('is exact where doubles cannot tell the values apart', () => {
    expect(Number('0.1')).toBe(Number('0.10000000000000000001'));
    expect(compareDecimals(valueOf('0.1'), valueOf('0.10000000000000000001'))).toBe(-1);
    expect(compareDecimals(valueOf('9007199254740993'), valueOf('9007199254740992'))).toBe(1);
  });

  it('agrees with numeric comparison for 5,000 seeded random pairs', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 5000; i++) {
      const x = randomDouble(random);
      // Every fifth pair compares a value with itself, so the 0 result is exercised too.
      const y = i % 5 === 0 ? x : randomDouble(random);
      const expected = x < y ? -1 : x > y ? 1 : 0;
      const actual = compareDecimals(valueOf(x), valueOf(y));
      if (actual !== expected) throw new Error(`compare(${x}, ${y}) = ${actual}, expected ${expected}`);
    }
  });

  it('agrees with exact BigInt comparison for long random decimals', () => {
    const random = seededRandom(7);
    const SCALE = 30;
    const randomDigits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const toScaled = (canonical: string): bigint => {
      const negative = canonical.startsWith('-');
      const [whole, fraction = ''] = canonical.replace('-', '').split('.');
      const scaled = BigInt(whole + fraction.padEnd(SCALE, '0'));
      return negative ? -scaled : scaled;
    };
    for (let i = 0; i < 2000; i++) {
      const make = () =>
        `${random() < 0.5 ? '-' : ''}${randomDigits(1 + Math.floor(random() * 20))}.${randomDigits(Math.floor(random() * SCALE))}`;
      const a = valueOf(make());
      const b = i % 7 === 0 ? a : valueOf(make());
      const [sa, sb] = [toScaled(a), toScaled(b)];
      const expected = sa < sb ? -1 : sa > sb ? 1 : 0;
      if (compareDecimals(a, b) !== expected) throw new Error(`compare(${a}, ${b}) != ${expected}`);
    }
  });
});

describe('isZeroDecimal and decimalStringSchema', () => {
  it('isZeroDecimal is true only for canonical zero', () => {
    expect(isZeroDecimal(valueOf('-0.000'))).toBe(true);
    expect(isZeroDecimal('0.000000000000000001')).toBe(false);
    expect(isZeroDecimal('-1')).toBe(false);
  });

  it('decimalStringSchema accepts canonical strings only', () => {
    for (const ok of ['0', '-0.5', '45000.5', '0.000000000000000001', '1000']) {
      expect(decimalStringSchema.safeParse(ok).success).toBe(true);
    }
    for (const bad of ['-0', '01', '1.50', '1.', '.5', '+1', '1e3', '', ' 1', 1]) {
      expect(decimalStringSchema.safeParse(bad).success).toBe(false);
    }
  });
});
