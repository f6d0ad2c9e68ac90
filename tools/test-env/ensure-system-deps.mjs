#!/usr/bin/env node
// Makes sure the system programs the integration tests need are installed, before Jest starts
// (root `npm test` runs it). Tests start real servers rather than mocks: redis-server (and
// redis-cli for Redis Cluster), plus a C compiler and librdkafka's headers to build the Kafka
// test broker (tools/test-env/kafka-test-broker.c). Missing ones are installed with apt-get
// when we are root (CI containers); otherwise we stop with the command to run.
//
// To require more (e.g. a browser for UI tests), add a row to REQUIREMENTS.
//
// Usage: node tools/test-env/ensure-system-deps.mjs [--dry-run]
//   --dry-run  report what is missing and what would be installed, change nothing
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** @typedef {{ name: string, why: string, present: () => boolean, packages: string[] }} Requirement */

/** @type {Requirement[]} */
const REQUIREMENTS = [
  {
    name: 'redis-server',
    why: 'integration tests start their own Redis servers',
    present: () => onPath('redis-server'),
    packages: ['redis-server'],
  },
  {
    name: 'redis-cli',
    why: 'it creates the Redis Cluster used by cluster tests',
    present: () => onPath('redis-cli'),
    packages: ['redis-tools'],
  },
  {
    name: 'cc',
    why: 'it compiles the Kafka test broker',
    present: () => onPath('cc'),
    packages: ['gcc', 'libc6-dev'],
  },
  {
    name: 'C library headers',
    why: 'the Kafka test broker includes <stdio.h>',
    present: () => existsSync('/usr/include/stdio.h'),
    packages: ['libc6-dev'],
  },
  {
    name: 'kustomize (kubectl kustomize)',
    why: 'tests/deploy renders the k8s/ overlays with it',
    present: () => onPath('kustomize') || onPath('kubectl'),
    packages: ['kubernetes-client'],
  },
  {
    name: 'librdkafka mock headers (rdkafka_mock.h)',
    why: 'the Kafka test broker is built on librdkafka’s mock cluster',
    present: () => existsSync('/usr/include/librdkafka/rdkafka_mock.h'),
    packages: ['librdkafka-dev'],
  },
  {
    name: 'chromium',
    why: 'the live console test drives the page in a headless browser (playwright-core)',
    present: () => existsSync('/usr/bin/chromium'),
    packages: ['chromium'],
  },
];

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(command, args) {
  console.log(`[test-env] $ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args[0]} exited with status ${result.status}`);
}

function main() {
  const dryRun = process.argv.includes('--dry-run');
  const missing = REQUIREMENTS.filter((requirement) => !requirement.present());
  if (missing.length === 0) {
    console.log(`[test-env] system dependencies OK (${REQUIREMENTS.length} checks)`);
    return 0;
  }

  const packages = [...new Set(missing.flatMap((requirement) => requirement.packages))];
  console.log('[test-env] missing system dependencies:');
  for (const requirement of missing) {
    console.log(`  - ${requirement.name}: ${requirement.why} (package ${requirement.packages.join(' ')})`);
  }
  const install = ['install', '-y', '--no-install-recommends', ...packages];

  if (dryRun) {
    console.log(`[test-env] --dry-run: would run apt-get update && apt-get ${install.join(' ')}`);
    return 0;
  }
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    const reason = isRoot ? 'apt-get is not available here' : 'not running as root';
    console.error(
      `[test-env] cannot install them (${reason}). Please install the Debian packages: ${packages.join(' ')}\n` +
        `  e.g. sudo apt-get update && sudo apt-get ${install.join(' ')}`,
    );
    return 1;
  }

  console.log(`[test-env] installing ${packages.join(' ')} with apt-get`);
  run('apt-get', ['update']);
  run('apt-get', install);

  const stillMissing = REQUIREMENTS.filter((requirement) => !requirement.present());
  if (stillMissing.length > 0) {
    console.error(`[test-env] still missing after install: ${stillMissing.map((r) => r.name).join(', ')}`);
    return 1;
  }
  console.log('[test-env] system dependencies installed');
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`[test-env] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
