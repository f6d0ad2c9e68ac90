import { z } from 'zod';
import { toDecimalString } from './decimal';

/** Accepts a number or decimal string from a producer; outputs the canonical decimal string. */
export const decimalInputSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = toDecimalString(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.value;
});

export const nonNegativeDecimalInputSchema = decimalInputSchema.refine((value) => !value.startsWith('-'), {
  message: 'must not be negative',
});

export const positiveDecimalInputSchema = decimalInputSchema.refine(
  (value) => !value.startsWith('-') && value !== '0',
  { message: 'must be greater than zero' },
);

/** What clients receive: a canonical decimal string (`-0` is not canonical: zero is `0`). */
export const decimalStringSchema = z
  .string()
  .regex(/^(?!-0$)-?(0|[1-9]\d*)(\.\d*[1-9])?$/, 'must be a canonical decimal string');
