import { toDecimalString, type DecimalString } from '@moonx-farm/events';

export interface FormatDecimalOptions {
  /** Fraction digits, like `toFixed`: rounds half away from zero, pads with zeros. */
  decimals?: number;
  /** Thousands separator for the whole part (`true` means ","). */
  grouping?: boolean | string;
}

/**
 * Formats a decimal string for display without going through a double, so an 18-decimal
 * token amount keeps every digit.
 *
 * @example
 * formatDecimal('45000.505', { decimals: 2, grouping: true }); // '45,000.51'
 * formatDecimal('0.000000000000000001');                       // '0.000000000000000001'
 */
export function formatDecimal(value: DecimalString | number, options: FormatDecimalOptions = {}): string {
  const parsed = toDecimalString(value);
  if (!parsed.ok) throw new RangeError(`formatDecimal: ${parsed.reason}`);
  const negative = parsed.value.startsWith('-');
  const [whole, fraction = ''] = (negative ? parsed.value.slice(1) : parsed.value).split('.');
  let digits = whole + fraction;
  let pointAt = whole.length;
  const { decimals } = options;
  if (decimals !== undefined) {
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 100) throw new RangeError('formatDecimal: decimals must be an integer from 0 to 100');
    if (fraction.length > decimals) {
      const roundUp = fraction.charCodeAt(decimals) >= 53; // '5'
      digits = digits.slice(0, pointAt + decimals);
      if (roundUp) {
        digits = incrementDigits(digits);
        if (digits.length > pointAt + decimals) pointAt++;
      }
    } else {
      digits = digits.padEnd(pointAt + decimals, '0');
    }
  }
  let wholeText = digits.slice(0, pointAt) || '0';
  const fractionText = digits.slice(pointAt);
  const separator = options.grouping === true ? ',' : options.grouping || '';
  if (separator) wholeText = wholeText.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  const isZero = /^0*$/.test(digits);
  return `${negative && !isZero ? '-' : ''}${wholeText}${fractionText ? `.${fractionText}` : ''}`;
}

/** Adds one to a string of digits: '0999' → '1000', '99' → '100'. */
function incrementDigits(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] !== '9') {
      chars[i] = String.fromCharCode(chars[i].charCodeAt(0) + 1);
      return chars.join('');
    }
    chars[i] = '0';
  }
  return `1${chars.join('')}`;
}

/**
 * The nearest double, for charts and arithmetic where a rounding error is acceptable.
 * Never feed the result back into an order: keep the string for that.
 *
 * @example
 * decimalToNumber('45000.5'); // 45000.5
 */
export function decimalToNumber(value: DecimalString): number {
  return Number(value);
}
