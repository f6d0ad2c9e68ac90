import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const INSTALL_HINT =
  'Run `node tools/test-env/ensure-system-deps.mjs`, or as root: ' +
  'apt-get install -y librdkafka-dev gcc libc6-dev';

/**
 * The Nx workspace root: the nearest directory holding nx.json above `from`, by default above
 * this file, else above the working directory (when this code was bundled elsewhere).
 */
export function findWorkspaceRoot(from?: string): string {
  const starts = from ? [from] : [__dirname, process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`no nx.json found above ${starts.join(' or ')}`);
}

/**
 * Path of the compiled Kafka test broker, compiling tools/test-env/kafka-test-broker.c into
 * <workspace>/tmp/test-env/ first when the binary is missing or older than its source. It is
 * built on the test machine (not shipped) because it links the system's librdkafka.
 */
export function ensureKafkaTestBroker(options: { workspaceRoot?: string; compiler?: string } = {}): string {
  const workspaceRoot = options.workspaceRoot ?? findWorkspaceRoot();
  const compiler = options.compiler ?? 'cc';
  const source = join(workspaceRoot, 'tools', 'test-env', 'kafka-test-broker.c');
  const binary = join(workspaceRoot, 'tmp', 'test-env', 'kafka-test-broker');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;

  mkdirSync(dirname(binary), { recursive: true });
  // Compile to a private name and rename: two Jest runs starting together never see (or
  // execute) a half-written binary.
  const partial = `${binary}.${process.pid}.tmp`;
  const result = spawnSync(compiler, ['-O2', '-o', partial, source, '-lrdkafka'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
  });
  if (result.error) {
    rmSync(partial, { force: true });
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `Cannot build the Kafka test broker: no C compiler (${compiler}) found. ${INSTALL_HINT}`
        : `Cannot run ${compiler} to build the Kafka test broker: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    rmSync(partial, { force: true });
    const output = `${result.stdout}${result.stderr}`.trim();
    const librdkafkaMissing = /rdkafka.*(No such file|not found)|cannot find -lrdkafka/i.test(output);
    throw new Error(
      librdkafkaMissing
        ? `Cannot build the Kafka test broker: librdkafka headers or library missing. ${INSTALL_HINT}\n${output}`
        : `Compiling ${source} failed:\n${output}`,
    );
  }
  renameSync(partial, binary);
  return binary;
}
