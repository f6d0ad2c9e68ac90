#!/usr/bin/env node
// Bundles an app (apps/<name>/src/main.ts) into dist/apps/<name>/main.js.
// esbuild resolves the workspace path aliases and bundles our libs; SWC transpiles each
// TypeScript file first so NestJS keeps its decorator metadata. npm packages stay external:
// the production image installs them with `npm ci --omit=dev`.
import { build } from 'esbuild';
import { transform } from '@swc/core';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { swcOptions } = require('./swc-options.cjs');
const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const swcDecorators = {
  name: 'swc-decorators',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const output = await transform(source, {
        ...swcOptions,
        filename: args.path,
        module: { type: 'es6' },
        sourceMaps: 'inline',
      });
      return { contents: output.code, loader: 'js' };
    });
  },
};

async function buildApp(name) {
  const entry = path.join(workspaceRoot, 'apps', name, 'src', 'main.ts');
  if (!existsSync(entry)) {
    throw new Error(`Unknown app "${name}": ${path.relative(workspaceRoot, entry)} does not exist`);
  }
  const started = Date.now();
  await build({
    entryPoints: [entry],
    outfile: path.join(workspaceRoot, 'dist', 'apps', name, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: true,
    tsconfig: path.join(workspaceRoot, 'tsconfig.base.json'),
    plugins: [swcDecorators],
    logLevel: 'warning',
  });
  console.log(`built apps/${name} -> dist/apps/${name}/main.js in ${Date.now() - started} ms`);
}

const apps = process.argv.slice(2);
if (apps.length === 0) {
  console.error('usage: build-app.mjs <app> [<app> ...]  (apps: gateway, ingest, auth-bridge, standalone)');
  process.exit(2);
}
for (const app of apps) {
  await buildApp(app);
}
