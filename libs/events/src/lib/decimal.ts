/**
 * Decimal strings. Prices and token amounts travel as strings because a double cannot hold an
 * 18-decimal token amount. Producers may send numbers (existing services do) or strings; both
 * become one canonical form: no exponent, no leading `+`, no superfluous zeros, `-0` is `0`.
 */
export type DecimalString = string;

const DECIMAL_INPUT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;
export const MAX_DECIMAL_INPUT_LENGTH = 80;
const MAX_EXPONENT = 100;

export type DecimalParseResult = { ok: true; value: DecimalString } | { ok: false; reason: string };

/**
 * Turns a number or a decimal string into the canonical decimal string, without loss.
 * A number is read as the shortest string that round-trips to it (`0.1` stays `"0.1"`).
 * The result is at most `MAX_DECIMAL_INPUT_LENGTH` characters, so it is always a valid input.
 *
 * @example
 * toDecimalString(45000.5);            // { ok: true, value: '45000.5' }
 * toDecimalString('1.230000000000000001e3'); // { ok: true, value: '1230.000000000000001' }
 */
export function toDecimalString(input: unknown): DecimalParseResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: 'must be a finite number' };
    return canonicalise(String(input));
  }
  if (typeof input === 'string') {
    if (input.length === 0 || input.length > MAX_DECIMAL_INPUT_LENGTH) {
      return { ok: false, reason: `must be 1 to ${MAX_DECIMAL_INPUT_LENGTH} characters` };
    }
    return canonicalise(input);
  }
  return { ok: false, reason: 'must be a number or a decimal string' };
}

function canonicalise(text: string): DecimalParseResult {
  const match = DECIMAL_INPUT.exec(text);
  if (!match) return { ok: false, reason: `"${text.slice(0, 40)}" is not a decimal number` };
  const [, sign = '', intPart = '', fracPart = '', exponentText] = match;
  if (intPart.length === 0 && fracPart.length === 0) {
    return { ok: false, reason: `"${text.slice(0, 40)}" has no digits` };
  }
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return { ok: false, reason: 'exponent is out of range' };

  const digits = intPart + fracPart;
  const pointAt = intPart.length + exponent;
  let whole: string;
  let fraction: string;
  if (pointAt <= 0) {
    whole = '0';
    fraction = '0'.repeat(-pointAt) + digits;
  } else if (pointAt >= digits.length) {
    whole = digits + '0'.repeat(pointAt - digits.length);
    fraction = '';
  } else {
    whole = digits.slice(0, pointAt);
    fraction = digits.slice(pointAt);
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const magnitude = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  const isZero = /^0(\.0*)?$/.test(magnitude);
  const value = sign === '-' && !isZero ? `-${magnitude}` : magnitude;
  // The canonical form must itself be a valid input: the publisher sends it on and ingest
  // parses it again, so a value written out longer than the input limit is refused here.
  if (value.length > MAX_DECIMAL_INPUT_LENGTH) {
    return {
      ok: false,
      reason: `is longer than ${MAX_DECIMAL_INPUT_LENGTH} characters when written without an exponent`,
    };
  }
  return { ok: true, value };
}

/**
 * Compares two canonical decimal strings exactly (no floating point).
 * Returns -1, 0 or 1.
 *
 * @example
 * compareDecimals('0.1', '0.10000000000000000001'); // -1
 */
export function compareDecimals(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const magnitude = compareMagnitudes(negA ? a.slice(1) : a, negB ? b.slice(1) : b);
  return (negA ? -magnitude : magnitude) as -1 | 0 | 1;
}

function compareMagnitudes(a: string, b: string): -1 | 0 | 1 {
  const [aWhole, aFrac = ''] = a.split('.');
  const [bWhole, bFrac = ''] = b.split('.');
  if (aWhole.length !== bWhole.length) return aWhole.length < bWhole.length ? -1 : 1;
  if (aWhole !== bWhole) return aWhole < bWhole ? -1 : 1;
  const width = Math.max(aFrac.length, bFrac.length);
  const aPadded = aFrac.padEnd(width, '0');
  const bPadded = bFrac.padEnd(width, '0');
  if (aPadded === bPadded) return 0;
  return aPadded < bPadded ? -1 : 1;
}

/** True for a canonical decimal string of zero. */
export function isZeroDecimal(value: DecimalString): boolean {
  return value === '0';
}
