/** A bad argument of a bench program: its message is the one line the user reads. */
export class ArgumentError extends Error {}

export interface WholeNumberSpec {
  name: string;
  min: number;
  max?: number;
  /** When the argument is not given. */
  fallback: number;
}

/** A whole-number argument of a bench program (`fallback` when absent), or an ArgumentError saying why not. */
export function wholeNumberArg(text: string | undefined, spec: WholeNumberSpec): number {
  if (text === undefined) return spec.fallback;
  const value = Number(text);
  const inRange = value >= spec.min && (spec.max === undefined || value <= spec.max);
  if (text.trim() === '' || !Number.isInteger(value) || !inRange) {
    const range = spec.max === undefined ? `≥ ${spec.min.toLocaleString('en-US')}` : `from ${spec.min.toLocaleString('en-US')} to ${spec.max.toLocaleString('en-US')}`;
    throw new ArgumentError(`${spec.name} must be a whole number ${range}, not ${text}`);
  }
  return value;
}

/**
 * A bench program's arguments from `parse`; an ArgumentError it throws becomes one line with the
 * reason, then the usage, on stderr, and exit code 2 (a stack trace says nothing to whoever typed
 * the command). Other errors are bugs and propagate.
 */
export function argsOrExit<T>(program: string, usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n${usage}\n`);
    return process.exit(2);
  }
}
