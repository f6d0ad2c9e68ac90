#!/usr/bin/env node
// Bundles the benchmark programs into dist/tools/bench/ (runner, load generator, baselines).
// esbuild resolves the workspace path aliases; npm packages stay external. No decorator
// metadata is needed: nothing here runs NestJS's container (ingest-books builds ingest's
// services by hand).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(workspaceRoot, 'tools', 'bench', 'src');
const entries = {
  bench: 'bench.main.ts',
  'load-generator': 'generator/load-generator.main.ts',
  'baseline-redis': 'servers/baseline-redis.main.ts',
  'baseline-kafka': 'servers/baseline-kafka.main.ts',
  'profile-summary': 'profile-summary.main.ts',
  'ingest-mapping': 'ingest-mapping.main.ts',
  'ingest-books': 'ingest-books.main.ts',
  'cpu-profile-preload': 'cpu-profile.preload.ts',
  'write-probe': 'write-probe.main.ts',
};

const started = Date.now();
await build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(src, file)])),
  outdir: path.join(workspaceRoot, 'dist', 'tools', 'bench'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: path.join(workspaceRoot, 'tsconfig.base.json'),
  logLevel: 'warning',
});
console.log(`built tools/bench -> dist/tools/bench/ in ${Date.now() - started} ms`);
