/**
 * Speed of session-vision on this machine.
 * Run: node -r ./services/session-vision/src/detection/swc-register.js bench/vision/main.ts
 * Env: BENCH_SECONDS (per measurement, default 6), BENCH_MIRRORS (default 1,4,16), BENCH_WORKERS
 * (default one per core), BENCH_PART=engine|e2e|all, NATS_URL, REDIS_URL.
 */
import { availableParallelism } from 'os';
import { emptyFrame, personFrame } from '@mirror/svc-session-vision/test/support/frames';
import { endToEnd } from './end-to-end';
import { engineFigures } from './engine';

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  const part = process.env.BENCH_PART ?? 'all';
  const threads = Number(process.env.BENCH_WORKERS ?? availableParallelism());
  const cores = availableParallelism();
  // A person swaying a little, as a live camera sees: every frame differs from the last.
  const person = await Promise.all([130, 140, 150, 160, 150, 140].map((x) => personFrame('diner', x, 360)));
  const empty = [await emptyFrame()];
  console.log(`vision bench: ${cores} cores, 640x480 frames, ${seconds} s per figure`);

  if (part === 'all' || part === 'engine') {
    const figures = await engineFigures(threads, empty, person, seconds);
    const base = figures[0].fps;
    console.log('\nengine (decode + models), frames per second');
    for (const f of figures) {
      const perCore = f.name.startsWith('baseline') ? f.fps : f.fps / Math.min(threads, cores);
      console.log(
        `${f.name.padEnd(62)} ${f.fps.toFixed(1).padStart(6)} fps  ${perCore.toFixed(1).padStart(6)} per core  ` +
          `${(f.fps / base).toFixed(1).padStart(5)}x baseline`,
      );
    }
  }

  if (part === 'all' || part === 'e2e') {
    const loads = (process.env.BENCH_MIRRORS ?? '1,2,4,16').split(',').map(Number);
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const rows = await endToEnd(natsUrl, redisUrl, person, loads, seconds);
    console.log('\nend to end through one replica (NATS in, result out), each mirror at 10 fps');
    console.log('mirrors  published  handled  analysed  dropped   p50 ms   p99 ms   max ms');
    for (const r of rows) {
      const dropped = r.published - r.handled;
      console.log(
        `${String(r.mirrors).padStart(7)}  ${String(r.published).padStart(9)}  ${String(r.handled).padStart(7)}  ` +
          `${String(r.analysed).padStart(8)}  ${`${dropped} (${((100 * dropped) / r.published).toFixed(0)}%)`.padStart(8)}  ` +
          `${r.p50.toFixed(0).padStart(7)}  ${r.p99.toFixed(0).padStart(7)}  ${r.max.toFixed(0).padStart(7)}`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
