import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import ts from 'typescript';
import { ClientErrorCode, ErrorCode } from '@moonx-farm/client-sdk';
import { findWorkspaceRoot, uniqueName, type AppProcessHandle } from '@moonx-farm/test-env';
import { startStandalone } from './support/standalone';

const run = promisify(execFile);

interface Sample {
  index: number;
  heading: string;
  code: string;
  /** From the `<!-- expect-output: REGEX -->` comment after the block. */
  expectOutput?: RegExp;
}

/** The ```ts blocks of the guide, with the section each is in and its expected output. */
function samplesOf(markdown: string): Sample[] {
  const samples: Sample[] = [];
  const fence = /^```ts\n([\s\S]*?)^```\n(?:<!-- expect-output: (.*) -->\n)?/gm;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) {
    const heading = [...markdown.slice(0, match.index).matchAll(/^## (.*)$/gm)].at(-1)?.[1] ?? '(top)';
    samples.push({ index: samples.length + 1, heading, code: match[1], expectOutput: match[2] ? new RegExp(match[2], 'm') : undefined });
  }
  return samples;
}

/*
 * docs/CLIENT-INTEGRATION-GUIDE.md stays true: every ```ts sample type-checks against the
 * built package (dist/libs/client-sdk, from `npm run build`) and runs, as a program of its
 * own, against the standalone app, printing what the comment after it says.
 */
describe('docs/CLIENT-INTEGRATION-GUIDE.md', () => {
  const root = findWorkspaceRoot();
  const guide = readFileSync(path.join(root, 'docs', 'CLIENT-INTEGRATION-GUIDE.md'), 'utf8');
  const samples = samplesOf(guide);
  const work = path.join(root, 'tmp', uniqueName('guide'));
  const file = (sample: Sample, extension: string) => path.join(work, `sample-${sample.index}.${extension}`);
  let app: AppProcessHandle;

  beforeAll(async () => {
    const built = path.join(root, 'dist', 'libs', 'client-sdk');
    if (!existsSync(path.join(built, 'index.d.ts'))) throw new Error('dist/libs/client-sdk is missing: run `npm run build` first');
    mkdirSync(path.join(work, 'node_modules', '@moonx-farm'), { recursive: true });
    symlinkSync(built, path.join(work, 'node_modules', '@moonx-farm', 'client-sdk'), 'dir');
    for (const sample of samples) writeFileSync(file(sample, 'mts'), sample.code);
    app = await startStandalone();
  }, 30000);

  afterAll(async () => {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30000);

  it('has samples, each with its expected output', () => {
    expect(samples.length).toBeGreaterThanOrEqual(8);
    expect(samples.filter((sample) => !sample.expectOutput).map((sample) => sample.heading)).toEqual([]);
  });

  it('every sample type-checks, strictly, against the package declarations', () => {
    const program = ts.createProgram(
      samples.map((sample) => file(sample, 'mts')),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        strict: true,
        noUnusedLocals: true,
        noEmit: true,
        skipLibCheck: true,
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
      return `${diagnostic.file ? path.basename(diagnostic.file.fileName) : ''}:${where ? where.line + 1 : ''} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });

  it('every sample runs against the standalone app and prints what the guide says', async () => {
    for (const sample of samples) {
      const code = sample.code.replaceAll('http://localhost:3007', app.url);
      const { code: javascript } = await transform(code, { loader: 'ts', format: 'esm', target: 'node20' });
      writeFileSync(file(sample, 'mjs'), javascript);
      const label = `sample ${sample.index} (## ${sample.heading})`;
      let stdout: string;
      try {
        ({ stdout } = await run(process.execPath, [file(sample, 'mjs')], { cwd: work, timeout: 20000 }));
      } catch (error) {
        const failed = error as Error & { stdout?: string; stderr?: string; killed?: boolean };
        throw new Error(`${label} ${failed.killed ? 'did not finish in 20 s' : 'failed'}:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
      }
      if (!sample.expectOutput?.test(stdout.trimEnd())) throw new Error(`${label} printed:\n${stdout}\nexpected to match ${sample.expectOutput}`);
    }
  }, 120000);

  it('explains every error code', () => {
    for (const code of [...Object.values(ErrorCode), ...Object.values(ClientErrorCode)]) {
      expect(guide).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
    }
  });
});
