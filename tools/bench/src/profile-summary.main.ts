import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArgumentError, argsOrExit, wholeNumberArg } from './lib/program-args';

/*
 * `node dist/tools/bench/profile-summary.js <file.cpuprofile> [top]`: where a profiled server
 * (npm run bench -- --profile) spent its CPU, by function (self time) and by package, so a
 * report can say where the time goes without opening DevTools.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summariseProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byPackage.set(packageOf(frame), (byPackage.get(packageOf(frame)) ?? 0) + us);
  }
  const busy = total - idle;
  const lines = [`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled`, '', 'by package (self time, % of busy):'];
  const percent = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15).forEach(([name, us]) => lines.push(`  ${percent(us)}  ${name}`));
  lines.push('', `top ${top} functions (self time, % of busy):`);
  [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([name, us]) => lines.push(`  ${percent(us)}  ${name}`));
  return lines.join('\n');
}

function packageOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  return `our code (${path.basename(url)})`;
}

/** A CPU profile read from `file`, or an ArgumentError saying why that file is not one. */
export function readProfile(file: string): CpuProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ArgumentError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let profile: Partial<CpuProfile>;
  try {
    profile = JSON.parse(text) as Partial<CpuProfile>;
  } catch {
    throw new ArgumentError(`${file} is not JSON, so not a CPU profile (a .cpuprofile file)`);
  }
  if (!Array.isArray(profile?.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) {
    throw new ArgumentError(`${file} is not a CPU profile: it has no nodes, samples and timeDeltas`);
  }
  return profile as CpuProfile;
}

if (require.main === module) {
  const usage = 'usage: node dist/tools/bench/profile-summary.js <file.cpuprofile> [top, ≥ 1, default 25]';
  const { profile, top } = argsOrExit('profile-summary', usage, () => {
    const [file, topArg] = process.argv.slice(2);
    if (!file) throw new ArgumentError('which profile? give a .cpuprofile file');
    return { profile: readProfile(file), top: wholeNumberArg(topArg, { name: 'top', min: 1, fallback: 25 }) };
  });
  process.stdout.write(`${summariseProfile(profile, top)}\n`);
}
