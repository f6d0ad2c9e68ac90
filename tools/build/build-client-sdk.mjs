#!/usr/bin/env node
// Builds @moonx-farm/client-sdk into dist/libs/client-sdk (index.mjs, index.cjs, index.d.ts +
// types/, package.json) and the live console page into dist/console.
// The contract (libs/events) is bundled in, marked free of side effects so that only what the
// SDK uses is kept (its zod schemas are not); socket.io-client stays a dependency.
//
// Usage: node tools/build/build-client-sdk.mjs [--console | --out <dir>] [--json]
//   --console    build only the live console (what `npm start` needs)
//   --out <dir>  build only the package, into <dir> instead of dist/libs/client-sdk
//   --json       also print {"size": {"minified", "gzipped"}} as the last line
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sdkDir = path.join(workspaceRoot, 'libs/client-sdk');
const eventsDir = path.join(workspaceRoot, 'libs/events/src');
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(workspaceRoot, 'dist/libs/client-sdk');
const consoleOutDir = path.join(workspaceRoot, 'dist/console');
const tsconfig = path.join(workspaceRoot, 'tsconfig.base.json');

/** Marks every module of the contract side-effect free, so unused schemas are dropped. */
const contractWithoutSideEffects = {
  name: 'contract-without-side-effects',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const result = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      if (result.errors.length > 0) return { errors: result.errors };
      return result.path.startsWith(eventsDir) ? { ...result, sideEffects: false } : result;
    });
  },
};

const common = {
  bundle: true,
  target: 'es2020',
  tsconfig,
  logLevel: 'warning',
  plugins: [contractWithoutSideEffects],
};

/** The SDK as consumers import it: readable ESM and CJS, socket.io-client external. */
async function buildLibrary() {
  const entry = path.join(sdkDir, 'src/index.ts');
  const library = { ...common, entryPoints: [entry], platform: 'neutral', external: ['socket.io-client'], sourcemap: true };
  await Promise.all([
    build({ ...library, format: 'esm', outfile: path.join(outDir, 'index.mjs') }),
    build({ ...library, format: 'cjs', outfile: path.join(outDir, 'index.cjs'), mainFields: ['main'] }),
  ]);
}

/** Declarations: tsc emits the SDK's and the contract's; the alias is rewritten to a relative path. */
async function buildDeclarations() {
  const ts = require('typescript');
  const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, workspaceRoot);
  const typesDir = path.join(outDir, 'types');
  await rm(typesDir, { recursive: true, force: true });
  const program = ts.createProgram([path.join(sdkDir, 'src/index.ts')], {
    ...parsed.options,
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    sourceMap: false,
    declarationMap: false,
    rootDir: path.join(workspaceRoot, 'libs'),
    outDir: typesDir,
    types: [],
  });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => workspaceRoot, getNewLine: () => '\n' };
    throw new Error(`declarations failed:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  const sdkTypes = path.join(typesDir, 'client-sdk');
  for (const file of await listFiles(sdkTypes)) {
    if (!file.endsWith('.d.ts')) continue;
    const contract = path.relative(path.dirname(file), path.join(typesDir, 'events/src/index')).split(path.sep).join('/');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replaceAll(`'@moonx-farm/events'`, `'${contract.startsWith('.') ? contract : `./${contract}`}'`));
  }
  await writeFile(path.join(outDir, 'index.d.ts'), "export * from './types/client-sdk/src/index';\n");
}

/** The live console: one browser bundle with the SDK and socket.io-client, plus its page. */
async function buildConsole() {
  await mkdir(consoleOutDir, { recursive: true });
  await build({
    ...common,
    entryPoints: [path.join(sdkDir, 'console/live-console.ts')],
    outfile: path.join(consoleOutDir, 'live-console.js'),
    platform: 'browser',
    format: 'iife',
    minify: true,
    sourcemap: true,
  });
  await copyFile(path.join(sdkDir, 'console/index.html'), path.join(consoleOutDir, 'index.html'));
}

/** Minified + gzipped bytes of the ESM build without socket.io-client: the size budget's measure. */
async function measureGzippedSize() {
  const result = await build({
    entryPoints: [path.join(outDir, 'index.mjs')],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    external: ['socket.io-client'],
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)])));
  return nested.flat();
}

async function main() {
  const started = Date.now();
  if (process.argv.includes('--console')) {
    await buildConsole();
    console.log(`built the live console -> dist/console in ${Date.now() - started} ms`);
    return;
  }
  // Files are overwritten in place (only types/ is emptied first), so a build never leaves the
  // package missing for a moment under a test or an app that reads it.
  await mkdir(outDir, { recursive: true });
  await Promise.all([buildLibrary(), outArg > 0 ? undefined : buildConsole()]);
  await buildDeclarations();
  await copyFile(path.join(sdkDir, 'package.json'), path.join(outDir, 'package.json'));
  const size = await measureGzippedSize();
  console.log(
    `built libs/client-sdk -> ${path.relative(workspaceRoot, outDir)} (ESM, CJS, types; ${size.minified} B minified, ${size.gzipped} B gzipped without socket.io-client)` +
      `${outArg > 0 ? '' : ' and the live console -> dist/console'} in ${Date.now() - started} ms`,
  );
  if (process.argv.includes('--json')) console.log(JSON.stringify({ size }));
}

await main();
