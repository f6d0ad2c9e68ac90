import { parseBenchArgs } from './bench-args';

describe('bench arguments', () => {
  it('defaults to every scenario at full scale', () => {
    expect(parseBenchArgs([])).toEqual({ scenarios: [], scale: 1, outDir: 'tmp/bench', profile: false, systems: ['gateway', 'baseline'], writeProbe: true, idleSeconds: 120, firstStep: 0, help: false });
  });

  it('selects scenarios, scale, output and profiling', () => {
    expect(parseBenchArgs(['--scenario=2,5', '--scale=0.1', '--out=tmp/x', '--profile', '--systems=baseline,gateway'])).toEqual({
      scenarios: [2, 5],
      scale: 0.1,
      outDir: 'tmp/x',
      profile: true,
      systems: ['gateway', 'baseline'],
      writeProbe: true,
      idleSeconds: 120,
      firstStep: 0,
      help: false,
    });
  });

  it('skips the write probe on request', () => {
    expect(parseBenchArgs(['--no-write-probe', '--scenario=4']).writeProbe).toBe(false);
  });

  it('starts the ramps at the step asked for, the first unless told', () => {
    expect(parseBenchArgs([]).firstStep).toBe(0);
    expect(parseBenchArgs(['--first-step=9']).firstStep).toBe(9);
    expect(() => parseBenchArgs(['--first-step=16'])).toThrow(/--first-step: "16" is not a whole number from 0 to 15/);
    expect(() => parseBenchArgs(['--first-step=-1'])).toThrow(/--first-step/);
    expect(() => parseBenchArgs(['--first-step='])).toThrow(/--first-step/);
  });

  it('takes how long scenario 4 watches the idle crowd, 120 s unless told', () => {
    expect(parseBenchArgs([]).idleSeconds).toBe(120);
    expect(parseBenchArgs(['--idle-seconds=0']).idleSeconds).toBe(0);
    expect(parseBenchArgs(['--idle-seconds=300']).idleSeconds).toBe(300);
    expect(() => parseBenchArgs(['--idle-seconds=2.5'])).toThrow(/--idle-seconds: "2.5" is not a whole number/);
    expect(() => parseBenchArgs(['--idle-seconds=-1'])).toThrow(/--idle-seconds/);
    expect(() => parseBenchArgs(['--idle-seconds='])).toThrow(/--idle-seconds/);
  });

  it('refuses what it does not know', () => {
    expect(() => parseBenchArgs(['--scenario=6'])).toThrow(/not 1 to 5/);
    expect(() => parseBenchArgs(['--scale=0'])).toThrow(/--scale/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseBenchArgs(['--systems=nginx'])).toThrow(/"nginx" is not gateway or baseline/);
    expect(parseBenchArgs(['--systems=gateway']).systems).toEqual(['gateway']);
  });
});
