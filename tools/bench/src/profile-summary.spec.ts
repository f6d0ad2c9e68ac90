import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArgumentError } from './lib/program-args';
import { readProfile, summariseProfile } from './profile-summary.main';

describe('profile-summary', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'profile-summary-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads a CPU profile and says where its busy time went', () => {
    const file = write(
      'ok.cpuprofile',
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
          { id: 2, callFrame: { functionName: 'serve', url: 'file:///app/dist/apps/gateway/main.js', lineNumber: 10 } },
          { id: 3, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        ],
        samples: [2, 2, 2, 3],
        timeDeltas: [1000, 1000, 1000, 1000],
      }),
    );
    const summary = summariseProfile(readProfile(file), 5);
    expect(summary).toMatch(/busy 0\.00 s of 0\.00 s sampled/);
    expect(summary).toMatch(/100\.0 %\s+serve main\.js:11/);
  });

  it('refuses a missing file, a file that is not JSON and JSON that is not a profile, each with its reason', () => {
    expect(() => readProfile(path.join(dir, 'absent.cpuprofile'))).toThrow(new RegExp(`^cannot read ${dir}/absent.cpuprofile: ENOENT`));
    expect(() => readProfile(write('text.cpuprofile', 'not json'))).toThrow(ArgumentError);
    expect(() => readProfile(write('text.cpuprofile', 'not json'))).toThrow(/is not JSON, so not a CPU profile/);
    expect(() => readProfile(write('other.json', '{"nodes": []}'))).toThrow(/is not a CPU profile: it has no nodes, samples and timeDeltas/);
    expect(() => readProfile(write('null.json', 'null'))).toThrow(/is not a CPU profile/);
  });
});
