import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaTestBroker, findWorkspaceRoot } from './ensure-binaries';

describe('ensureKafkaTestBroker', () => {
  let root: string;
  const source = (): string => join(root, 'tools', 'test-env', 'kafka-test-broker.c');
  const binary = (): string => join(root, 'tmp', 'test-env', 'kafka-test-broker');

  // A scratch workspace, so that the real binary and source are never touched.
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'test-env-build-'));
    mkdirSync(join(root, 'tools', 'test-env'), { recursive: true });
    copyFileSync(join(findWorkspaceRoot(), 'tools', 'test-env', 'kafka-test-broker.c'), source());
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('compiles when the binary is missing or older than the source, and only then', () => {
    expect(ensureKafkaTestBroker({ workspaceRoot: root })).toBe(binary());
    const firstBuild = statSync(binary()).mtimeMs;

    ensureKafkaTestBroker({ workspaceRoot: root });
    expect(statSync(binary()).mtimeMs).toBe(firstBuild);

    const later = new Date(firstBuild + 10_000);
    utimesSync(source(), later, later);
    ensureKafkaTestBroker({ workspaceRoot: root });
    expect(statSync(binary()).mtimeMs).toBeGreaterThan(firstBuild);
  });

  it('names the Debian package when librdkafka headers are missing', () => {
    writeFileSync(source(), '#include <librdkafka/rdkafka_not_installed.h>\nint main(void) { return 0; }\n');
    expect(() => ensureKafkaTestBroker({ workspaceRoot: root })).toThrow(/apt-get install -y librdkafka-dev/);
    expect(existsSync(binary())).toBe(false);
  });

  it('says so when there is no C compiler', () => {
    // (Changing PATH would not do: Jest gives tests a copy of process.env that child_process ignores.)
    expect(() => ensureKafkaTestBroker({ workspaceRoot: root, compiler: 'no-such-cc' })).toThrow(
      /no C compiler \(no-such-cc\) found.*apt-get install -y librdkafka-dev gcc libc6-dev/,
    );
  });
});
