import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import ts from 'typescript';
import { findWorkspaceRoot, uniqueName } from '@moonx-farm/test-env';

const run = promisify(execFile);

/** Minified + gzipped bytes of the SDK without socket.io-client. Raise it only with a reason. */
const SIZE_BUDGET_GZIPPED_BYTES = 8 * 1024;

/*
 * The package as an application gets it: built by tools/build/build-client-sdk.mjs into a
 * folder of its own, then required (CJS), imported (ESM) and type-checked (node16 resolution)
 * through node_modules, and measured against its size budget.
 */
describe('@moonx-farm/client-sdk package', () => {
  const root = findWorkspaceRoot();
  const work = path.join(root, 'tmp', uniqueName('sdk-package'));
  const pkg = path.join(work, 'package');
  const consumer = path.join(work, 'consumer');

  beforeAll(async () => {
    await run(process.execPath, [path.join(root, 'tools/build/build-client-sdk.mjs'), '--out', pkg], { cwd: root });
    mkdirSync(path.join(consumer, 'node_modules', '@moonx-farm'), { recursive: true });
    symlinkSync(pkg, path.join(consumer, 'node_modules', '@moonx-farm', 'client-sdk'), 'dir');
  }, 60000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('declares ESM, CJS and types in its exports', () => {
    const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('@moonx-farm/client-sdk');
    expect(manifest.exports['.']).toEqual({ types: './index.d.ts', import: './index.mjs', require: './index.cjs' });
    expect(Object.keys(manifest.dependencies)).toContain('socket.io-client');
  });

  it(`stays within its size budget (${SIZE_BUDGET_GZIPPED_BYTES} B gzipped, without socket.io-client) and bundles no zod`, async () => {
    const result = await build({
      entryPoints: [path.join(pkg, 'index.mjs')],
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      external: ['socket.io-client'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    expect(gzipped).toBeLessThanOrEqual(SIZE_BUDGET_GZIPPED_BYTES);
    expect(gzipped).toBeGreaterThan(1000); // a broken build would be tiny
    const text = readFileSync(path.join(pkg, 'index.mjs'), 'utf8');
    expect(text).not.toMatch(/from ['"]zod['"]|ZodError|safeParse/);
    expect(text).toMatch(/from ['"]socket\.io-client['"]/);
  });

  it('loads with require() and import in Node', async () => {
    const check = `
      const { createGatewayClient, formatDecimal, compareDecimals, ErrorCode, LocalOrderBook } = sdk;
      const book = new LocalOrderBook();
      book.apply({ kind: 'snapshot', bids: [['9.5', '1'], ['10', '2']], asks: [] });
      console.log(JSON.stringify([typeof createGatewayClient, formatDecimal('1234.5', { grouping: true }), compareDecimals('10', '9.5'), ErrorCode.RATE_LIMITED, book.bids[0][0]]));
    `;
    const expected = JSON.stringify(['function', '1,234.5', 1, 'RATE_LIMITED', '10']);
    const cjs = await run(process.execPath, ['-e', `const sdk = require('@moonx-farm/client-sdk');${check}`], { cwd: consumer });
    expect(cjs.stdout.trim()).toBe(expected);
    const esm = await run(process.execPath, ['--input-type=module', '-e', `import * as sdk from '@moonx-farm/client-sdk';${check}`], { cwd: consumer });
    expect(esm.stdout.trim()).toBe(expected);
  });

  it('type-checks an ESM and a CJS consumer against its declarations (and the types are not any)', () => {
    const source = `
      import { createGatewayClient, formatDecimal, type OrderBookView, type PriceUpdateMessage, type GatewayClientError } from '@moonx-farm/client-sdk';
      const client = createGatewayClient({ url: 'http://localhost:3007', autoConnect: false, getToken: async () => 'token' });
      client.on('state', ({ state }) => { const s: 'disconnected' | 'connecting' | 'connected' = state; void s; });
      client.price('BTC-USDC').on('update', (update: PriceUpdateMessage) => {
        const text: string = formatDecimal(update.price, { decimals: 2 });
        // @ts-expect-error prices are decimal strings, not numbers
        const wrong: number = update.price;
        void text; void wrong;
      });
      const book = client.orderBook('BTC-USDC');
      book.on('update', (view: OrderBookView) => { const best: string | undefined = view.bids[0]?.[0]; void best; });
      book.on('error', (error: GatewayClientError) => { const code: string = error.code; void code; });
      // @ts-expect-error no such subscription event
      book.on('nonsense', () => undefined);
      client.trades().on('update', (fill) => { const side: 'buy' | 'sell' = fill.side; void side; });
    `;
    writeFileSync(path.join(consumer, 'consumer.mts'), source);
    writeFileSync(path.join(consumer, 'consumer.cts'), source);
    const program = ts.createProgram([path.join(consumer, 'consumer.mts'), path.join(consumer, 'consumer.cts')], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
