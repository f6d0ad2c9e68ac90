import { spawn, type ChildProcess } from 'node:child_process';
import { findFreePort } from '@moonx-farm/test-env';
import { InspectorSession, heapUsedAfterGc, inspectNodeOption } from './inspector-heap';

// A real node process with its inspector open: it builds ~40 MB of objects it still holds,
// so that dropping them leaves garbage only a GC can take back.
const CHILD_SCRIPT = `
globalThis.junk = Array.from({ length: 400000 }, (_, i) => ({ i, text: 'item-' + i, list: [i, i + 1] }));
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`;

async function startInspectedChild(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [inspectNodeOption(port), '-e', CHILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child not ready in 10 s')), 10000);
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code})`));
    });
  });
  return child;
}

describe('inspector heap', () => {
  let child: ChildProcess | undefined;
  let port = 0;

  beforeEach(async () => {
    port = await findFreePort();
    child = await startInspectedChild(port);
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('reads a lower heapUsed after a full GC once the process dropped its garbage', async () => {
    const session = await InspectorSession.open(port);
    try {
      const held = await session.memoryUsage();
      await session.evaluate('globalThis.junk = undefined');
      const before = await session.memoryUsage();
      await session.collectGarbage();
      const after = await session.memoryUsage();
      // The objects were reachable a moment ago, so the heap held them (tens of MB)...
      expect(held.heapUsed).toBeGreaterThan(20 * 2 ** 20);
      // ...and dropping a reference alone frees nothing: only the GC gives them back.
      expect(before.heapUsed).toBeGreaterThan(20 * 2 ** 20);
      expect(after.heapUsed).toBeLessThan(before.heapUsed - 15 * 2 ** 20);
    } finally {
      await session.close();
    }
  });

  it('keeps what is still reachable: heapUsedAfterGc counts the objects the process holds', async () => {
    const holding = await heapUsedAfterGc(port);
    const session = await InspectorSession.open(port);
    try {
      await session.evaluate('globalThis.junk = undefined');
    } finally {
      await session.close();
    }
    const dropped = await heapUsedAfterGc(port);
    expect(holding).toBeGreaterThan(dropped + 15 * 2 ** 20);
  });

  it('fails plainly when no inspector listens on the port', async () => {
    const unused = await findFreePort();
    await expect(heapUsedAfterGc(unused)).rejects.toThrow();
  });
});
