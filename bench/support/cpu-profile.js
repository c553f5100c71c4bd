/**
 * Preload (`node -r`) that records a V8 CPU profile of the whole process and writes it to
 * `$CPU_PROFILE_DIR/<CPU_PROFILE_NAME or pid>.cpuprofile` when the process exits (open it in Chrome's
 * DevTools or speedscope). `--cpu-prof` itself cannot be passed through NODE_OPTIONS; this can.
 */
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // an in-thread inspector session answers synchronously, so this completes inside 'exit'
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      const name = process.env.CPU_PROFILE_NAME || String(process.pid);
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
