import { ArgumentError, argsOrExit, wholeNumberArg } from './program-args';

describe('bench program arguments', () => {
  const batches = { name: 'batches', min: 20, fallback: 60 };
  const size = { name: 'size', min: 1, max: 10_000, fallback: 500 };

  it('takes a whole number in range, or the fallback when none is given', () => {
    expect(wholeNumberArg(undefined, batches)).toBe(60);
    expect(wholeNumberArg('20', batches)).toBe(20);
    expect(wholeNumberArg('10000', size)).toBe(10_000);
  });

  it('refuses anything else with one line that names the argument, its range and what was given', () => {
    expect(() => wholeNumberArg('19', batches)).toThrow(new ArgumentError('batches must be a whole number ≥ 20, not 19'));
    expect(() => wholeNumberArg('10001', size)).toThrow(new ArgumentError('size must be a whole number from 1 to 10,000, not 10001'));
    expect(() => wholeNumberArg('2.5', size)).toThrow('size must be a whole number from 1 to 10,000, not 2.5');
    expect(() => wholeNumberArg('many', size)).toThrow('not many');
    expect(() => wholeNumberArg('', size)).toThrow(ArgumentError);
    expect(() => wholeNumberArg(' ', size)).toThrow(ArgumentError);
  });

  describe('argsOrExit', () => {
    let stderr: jest.SpyInstance;
    let exit: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
        throw new Error(`exit ${code}`);
      });
    });
    afterEach(() => {
      stderr.mockRestore();
      exit.mockRestore();
    });

    it('gives what parse returns', () => {
      expect(argsOrExit('prog', 'usage: prog [n]', () => ({ n: wholeNumberArg('30', batches) }))).toEqual({ n: 30 });
      expect(stderr).not.toHaveBeenCalled();
    });

    it('turns a bad argument into its reason and the usage on stderr, and exit code 2', () => {
      expect(() => argsOrExit('prog', 'usage: prog [n]', () => wholeNumberArg('3', batches))).toThrow('exit 2');
      expect(stderr).toHaveBeenCalledWith('prog: batches must be a whole number ≥ 20, not 3\nusage: prog [n]\n');
    });

    it('lets any other error through: it is a bug, not a bad argument', () => {
      expect(() =>
        argsOrExit('prog', 'usage', () => {
          throw new TypeError('broken');
        }),
      ).toThrow('broken');
      expect(exit).not.toHaveBeenCalled();
    });
  });
});
