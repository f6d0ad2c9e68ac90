import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/*
 * Loaded with `--require` through NODE_OPTIONS (which refuses --cpu-prof): profiles the whole
 * life of a server we do not own (the gateway, ingest) and writes
 * $BENCH_CPU_PROFILE_DIR/<name>-<pid>.cpuprofile when it exits. The in-process inspector
 * session answers synchronously, so this works inside the 'exit' handler.
 */
const dir = process.env['BENCH_CPU_PROFILE_DIR'];
if (dir) {
  const name = process.env['BENCH_CPU_PROFILE_NAME'] ?? 'node';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
