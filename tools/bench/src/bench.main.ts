import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findWorkspaceRoot, startRedisServer } from '@moonx-farm/test-env';
import { LoadGeneratorHandle } from './generator/load-generator.handle';
import type { BenchContext } from './harness/bench-context';
import { triedSettingsPrefix } from './harness/system-under-test';
import { parseBenchArgs, BENCH_USAGE } from './bench-args';
import { pinProcess, planCores, raiseFileLimit } from './lib/core-pinning';
import { CpuMeter, machineInfo } from './lib/process-stats';
import { describeWriteProbe, runWriteProbe } from './lib/write-probe';
import { hotRoomScenario } from './scenarios/hot-room.scenario';
import { idleConnectionsScenario } from './scenarios/idle-connections.scenario';
import { marketFanoutScenario } from './scenarios/market-fanout.scenario';
import { privateEventsScenario } from './scenarios/private-events.scenario';
import type { Scenario } from './scenarios/scenario';
import { wholePathScenario } from './scenarios/whole-path.scenario';

/*
 * `npm run bench [-- --scenario=N[,M]] [--scale=F] [--profile]`: runs the scenarios against
 * the built gateway (dist/apps/gateway) and the baseline in the same run, prints one summary
 * line per scenario and writes tmp/bench/<n>-<name>.json plus tmp/bench/summary.md.
 */
const SCENARIOS: Scenario[] = [marketFanoutScenario, hotRoomScenario, privateEventsScenario, idleConnectionsScenario, wholePathScenario];

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(BENCH_USAGE);
    return;
  }
  const root = findWorkspaceRoot();
  const outDir = path.resolve(root, args.outDir);
  mkdirSync(outDir, { recursive: true });
  const fileLimit = raiseFileLimit(65536);
  const machine = machineInfo();
  // Of no process: only the machine's figures (the host's steal) over the run and each scenario.
  const runCpu = new CpuMeter(() => ({}));
  runCpu.start();
  const cores = planCores(machine.nproc);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`bench: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`);
  log(`bench: server on core ${cores.server}, generator/Redis/runner on ${cores.rest}${cores.pinned ? '' : ' (not pinned)'}; open files ${fileLimit}; scale ${args.scale}`);
  pinProcess(process.pid, cores.rest, cores);

  const redis = await startRedisServer();
  const probe = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
  await probe.connect();
  const redisPid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1] ?? 0);
  await probe.quit();
  pinProcess(redisPid, cores.rest, cores);
  const profileDir = args.profile ? path.join(outDir, 'profiles') : undefined;
  const generator = await LoadGeneratorHandle.start({ profileDir });
  pinProcess(generator.pid, cores.rest, cores);

  const sourceAddresses = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
  // Before any scenario, while nothing else measures: the cost of one socket write is what
  // caps scenarios 1, 2 and 5 on this machine, so figures from two machines compare through it.
  const writeProbe = args.writeProbe ? await runWriteProbe({ cores, sourceAddresses, log }) : undefined;
  if (writeProbe) log(`bench: ${describeWriteProbe(writeProbe)} (probe ${(writeProbe.durationMs / 1000).toFixed(1)} s)`);
  // Measured again before each later scenario: on a virtual machine it drifts by a third within
  // minutes, and a scenario's figures go with the write cost of its own minutes.
  const probeAgain = async () => {
    const again = await runWriteProbe({ cores, sourceAddresses, log });
    if (again) log(`  write probe again: ${describeWriteProbe(again)}`);
    return again;
  };

  const context: BenchContext = {
    machine,
    cores,
    launch: { cores, profileDir },
    scale: args.scale,
    systems: args.systems,
    idleWindowSec: args.idleSeconds,
    firstStep: args.firstStep,
    redis: { host: redis.host, port: redis.port, pid: redisPid },
    generator,
    sourceAddresses,
    log,
  };
  const summaries: string[] = [];
  const markdown: string[] = [];
  let failed = false;
  try {
    for (const [index, scenario] of SCENARIOS.filter((item) => args.scenarios.length === 0 || args.scenarios.includes(item.id)).entries()) {
      log(`\n[${scenario.id}] ${scenario.title}`);
      const scenarioProbe = args.writeProbe && index > 0 ? await probeAgain() : writeProbe;
      const started = Date.now();
      const scenarioCpu = new CpuMeter(() => ({}));
      scenarioCpu.start();
      try {
        const outcome = await scenario.run(context);
        const file = path.join(outDir, `${scenario.id}-${scenario.name}.json`);
        const body = {
          scenario: scenario.id,
          name: scenario.name,
          title: scenario.title,
          command: `${triedSettingsPrefix()}npm run bench -- --scenario=${scenario.id}${args.scale !== 1 ? ` --scale=${args.scale}` : ''}${args.systems.length === 1 ? ` --systems=${args.systems[0]}` : ''}${scenario.id === 4 && args.idleSeconds !== 120 ? ` --idle-seconds=${args.idleSeconds}` : ''}${scenario.id <= 2 && args.firstStep > 0 ? ` --first-step=${args.firstStep}` : ''}`,
          machine,
          writeProbe: scenarioProbe ?? null,
          cores,
          scale: args.scale,
          durationSec: Math.round((Date.now() - started) / 1000),
          hostStealPercent: scenarioCpu.stop().steal,
          ...outcome.data,
          summary: outcome.summary,
        };
        writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
        summaries.push(outcome.summary);
        markdown.push(...outcome.markdown);
        log(outcome.summary);
      } catch (error) {
        failed = true;
        const message = `scenario ${scenario.id} ${scenario.name} failed: ${(error as Error).stack ?? String(error)}`;
        summaries.push(message);
        log(message);
      }
    }
  } finally {
    await generator.stop();
    await redis.stop();
  }
  const steal = runCpu.stop().steal;
  const stealWords = `the host took ${steal}% of one core from this machine over the run (steal)${steal >= 5 ? ': a shared, busy host; latencies and CPU shares of this run are worse than the code alone gives' : ''}`;
  writeFileSync(
    path.join(outDir, 'summary.md'),
    [
      `Run of ${machine.date}: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average at start ${machine.loadAverage.join(' ')}` +
        (writeProbe ? `; ${describeWriteProbe(writeProbe)}` : '') +
        `; ${stealWords}`,
      '',
      '| scenario | load | gateway | baseline | gateway / baseline | target |',
      '|---|---|---|---|---|---|',
      ...markdown,
      '',
    ].join('\n'),
  );
  log(`\nsummary (JSON and summary.md in ${path.relative(root, outDir)}/; ${stealWords}):`);
  summaries.forEach((line) => log(line));
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
