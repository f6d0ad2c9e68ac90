import { build } from 'esbuild';
import { readWorkspaceFile, workspacePath, workspaceRoot } from './workspace';

/** The rules of .dockerignore, in order (later rules win; `!` re-includes). */
export function readDockerignore(): { pattern: RegExp; include: boolean; text: string }[] {
  return readWorkspaceFile('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const glob = (include ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const source = glob
        .split('/')
        .map((part) => (part === '**' ? '(?:.*)' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { pattern: new RegExp(`^${source}$`), include, text: line };
    });
}

/** True when Docker leaves the path (or a folder above it) out of the build context. */
export function isDockerIgnored(relative: string, rules = readDockerignore()): boolean {
  const parts = relative.replace(/^\.\//, '').replace(/\/$/, '').split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.include;
  }
  return ignored;
}

/** Source files of the workspace that go into an app's bundle (as tools/build resolves them). */
export async function bundleInputsOf(app: string): Promise<string[]> {
  const result = await build({
    entryPoints: [workspacePath(`apps/${app}/src/main.ts`)],
    absWorkingDir: workspaceRoot,
    bundle: true,
    platform: 'node',
    packages: 'external',
    tsconfig: workspacePath('tsconfig.base.json'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}
