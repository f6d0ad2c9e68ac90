export interface BenchArgs {
  /** Scenario numbers to run; empty = all. */
  scenarios: number[];
  scale: number;
  outDir: string;
  profile: boolean;
  /** Which systems to measure: both (the default), or one of them for a quick look. */
  systems: SystemKind[];
  /** Measure the machine's cost of one loopback socket write before the scenarios (lib/write-probe.ts). */
  writeProbe: boolean;
  /** Seconds scenario 4 watches the idle crowd's RSS after connecting (0: not at all). */
  idleSeconds: number;
  /** Ramps (scenarios 1 and 2) start at this step, skipping the lower ones (0: from the first). */
  firstStep: number;
  help: boolean;
}

export type SystemKind = 'gateway' | 'baseline';

export const BENCH_USAGE = `usage: npm run bench [-- options]
  --scenario=N[,M]   run only these scenarios (1 market fan-out, 2 hot room, 3 private events,
                     4 idle connections, 5 whole path); default all
  --scale=F          multiply client counts by F (e.g. 0.1 for a quick check); default 1
  --out=DIR          where JSON results go; default tmp/bench
  --profile          CPU-profile the servers, ingest and the generator
                     (DIR/profiles/<name>-<id>.cpuprofile; node dist/tools/bench/profile-summary.js)
  --systems=S[,S]    gateway, baseline or both (default); one alone gives no ratio
  --idle-seconds=N   how long scenario 4 watches the idle crowd's RSS (lowest and highest);
                     default 120, 0 to skip
  --no-write-probe   skip the machine calibration (the cost of one write to one of 5,000
                     loopback sockets, about 9 s) that runs before each scenario
  --first-step=N     start the ramps of scenarios 1 and 2 at step N (each step offers 1.4
                     times the one before it, from 10,000 deliveries/s at step 0), to look at
                     the high steps alone (profiles, CPU per frame); the first step comes with
                     no ramp before it, so its best step is not a full run's; default 0
`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { scenarios: [], scale: 1, outDir: 'tmp/bench', profile: false, systems: ['gateway', 'baseline'], writeProbe: true, idleSeconds: 120, firstStep: 0, help: false };
  for (const arg of argv) {
    const [name, value = ''] = arg.split('=', 2);
    switch (name) {
      case '--scenario':
        for (const part of value.split(',')) {
          const id = Number(part);
          if (!Number.isInteger(id) || id < 1 || id > 5) throw new Error(`--scenario: "${part}" is not 1 to 5`);
          args.scenarios.push(id);
        }
        break;
      case '--scale': {
        const scale = Number(value);
        if (!(scale > 0 && scale <= 4)) throw new Error(`--scale: "${value}" is not a number in (0, 4]`);
        args.scale = scale;
        break;
      }
      case '--out':
        if (!value) throw new Error('--out needs a directory');
        args.outDir = value;
        break;
      case '--systems': {
        const systems = value.split(',');
        const unknown = systems.find((system) => system !== 'gateway' && system !== 'baseline');
        if (unknown !== undefined || systems.length === 0) throw new Error(`--systems: "${unknown ?? value}" is not gateway or baseline`);
        args.systems = ['gateway', 'baseline'].filter((system): system is SystemKind => systems.includes(system));
        break;
      }
      case '--profile':
        args.profile = true;
        break;
      case '--idle-seconds': {
        const seconds = Number(value);
        if (value.trim() === '' || !Number.isInteger(seconds) || seconds < 0 || seconds > 3600) throw new Error(`--idle-seconds: "${value}" is not a whole number of seconds from 0 to 3600`);
        args.idleSeconds = seconds;
        break;
      }
      case '--first-step': {
        const step = Number(value);
        if (value.trim() === '' || !Number.isInteger(step) || step < 0 || step > 15) throw new Error(`--first-step: "${value}" is not a whole number from 0 to 15`);
        args.firstStep = step;
        break;
      }
      case '--no-write-probe':
        args.writeProbe = false;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}\n${BENCH_USAGE}`);
    }
  }
  return args;
}
