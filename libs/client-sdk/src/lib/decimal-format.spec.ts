import { decimalToNumber, formatDecimal } from './decimal-format';

describe('formatDecimal', () => {
  it.each([
    ['45000.505', { decimals: 2 }, '45000.51'],
    ['45000.504', { decimals: 2 }, '45000.50'],
    ['45000.5', { decimals: 2, grouping: true }, '45,000.50'],
    ['9.995', { decimals: 2 }, '10.00'],
    ['0.999', { decimals: 0 }, '1'],
    ['-1.005', { decimals: 2 }, '-1.01'],
    ['-0.001', { decimals: 2 }, '0.00'],
    ['1234567.1', { grouping: ' ' }, '1 234 567.1'],
    ['0.000000000000000001', {}, '0.000000000000000001'],
    ['123456789012345678901234567890.123456789012345678', { decimals: 18, grouping: true }, '123,456,789,012,345,678,901,234,567,890.123456789012345678'],
  ])('%s with %j is %s', (value, options, expected) => {
    expect(formatDecimal(value, options)).toBe(expected);
  });

  it('accepts numbers and exponents, and refuses what is not a decimal', () => {
    expect(formatDecimal(0.1)).toBe('0.1');
    expect(formatDecimal('1.5e3')).toBe('1500');
    expect(() => formatDecimal('abc')).toThrow(RangeError);
    expect(() => formatDecimal('1', { decimals: -1 })).toThrow(RangeError);
  });

  it('decimalToNumber gives the nearest double', () => {
    expect(decimalToNumber('45000.5')).toBe(45000.5);
  });
});
