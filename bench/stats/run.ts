/**
 * Channel statistics at fleet scale: BENCH_DAYS (30) days × BENCH_MIRRORS (500) mirrors of generated activity
 * (bench/stats/generate.ts) in a fresh database, binding booted on it, then the console's questions asked
 * over NATS (`binding.stats.get`, request to answer, as the console sees it), BENCH_REPEATS (30) times each.
 * Also timed: materialising the whole dataset once, and an answer while today's (mirror, day) pairs of every
 * mirror are marked changed (the worst a refresh-before-answer meets between two refresher runs).
 *
 * Run: source .infra/env && node -r ./scripts/register-ts.js bench/stats/run.ts
 * Env: BENCH_DAYS, BENCH_MIRRORS, BENCH_MIRRORS_PER_STORE (10), BENCH_SESSIONS (per mirror and day, 40),
 *      BENCH_REPEATS.
 */
import { performance } from 'node:perf_hooks';
import { Requests, type StatsGetRequest } from '@mirror/contracts';
import { BindingHarness } from '@mirror/svc-binding/test/support/binding-harness';
import { generate } from './generate';

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const MIRRORS = Number(process.env.BENCH_MIRRORS ?? 500);
const PER_STORE = Number(process.env.BENCH_MIRRORS_PER_STORE ?? 10);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 40);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 30);

const shanghaiDay = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3600_000 - offsetDays * 86400_000).toISOString().slice(0, 10);
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main() {
  const h = await BindingHarness.create();
  try {
    await h.start({ STATS_REFRESH_INTERVAL_MS: 3600_000, STATS_REFRESH_BATCH: 2000 });
    let t = performance.now();
    const counts = await generate(h.pg, {
      days: DAYS,
      mirrors: MIRRORS,
      mirrorsPerStore: PER_STORE,
      sessionsPerMirrorDay: SESSIONS,
    });
    console.log(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s:`, counts);

    const today = shanghaiDay();
    const from = shanghaiDay(DAYS - 1);
    t = performance.now();
    // the first question over the whole range recomputes every pair (20 batches at most per answer)
    let first = true;
    while ((await h.rows('SELECT 1 FROM stats_dirty LIMIT 1')).length > 0) {
      await h.bus.request(Requests.statsGet, { from, to: today }, { timeoutMs: 600_000 });
      first = false;
    }
    const materialise = performance.now() - t;
    const [{ days, durations }] = await h.rows<{ days: string; durations: string }>(
      `SELECT (SELECT count(*) FROM stats_mirror_days) AS days, (SELECT count(*) FROM stats_mirror_day_durations) AS durations`,
    );
    console.log(
      `materialised ${days} (mirror, day) rows and ${durations} histogram rows in ${(materialise / 1000).toFixed(1)} s${first ? '' : ''}`,
    );

    const questions: [string, StatsGetRequest | Omit<StatsGetRequest, 'v'>][] = [
      ['chain, 30 days by day (the chain chart)', { from, to: today, by: ['day'] }],
      ['chain, 30 days by store (the store table)', { from, to: today, by: ['store'] }],
      ['chain, 30 days by mirror (500 rows)', { from, to: today, by: ['mirror'] }],
      ['one store, 30 days by day', { from, to: today, storeIds: ['store-7'], by: ['day'] }],
      ['one mirror, 30 days by day', { from, to: today, mirrorId: 'mirror-42', by: ['day'] }],
      ['every mirror today (the mirrors page)', { from: today, to: today, by: ['mirror'] }],
    ];
    const results: { question: string; p50: number; p95: number; max: number }[] = [];
    for (const [question, request] of questions) {
      const times: number[] = [];
      for (let i = 0; i < REPEATS + 3; i++) {
        const start = performance.now();
        await h.bus.request(Requests.statsGet, request as StatsGetRequest, { timeoutMs: 30_000 });
        if (i >= 3) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      results.push({
        question,
        p50: quantile(times, 0.5),
        p95: quantile(times, 0.95),
        max: times[times.length - 1],
      });
    }

    // today's pairs of every mirror changed since the last refresh: the answer recomputes them first
    const dirtyTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      await h.rows(`INSERT INTO stats_dirty (mirror_id, day) SELECT id, $1::date FROM mirrors`, [today]);
      const start = performance.now();
      await h.bus.request(Requests.statsGet, { from, to: today, by: ['day'] }, { timeoutMs: 30_000 });
      dirtyTimes.push(performance.now() - start);
    }
    dirtyTimes.sort((a, b) => a - b);

    console.log(
      `\n${DAYS} days × ${MIRRORS} mirrors (${Math.ceil(MIRRORS / PER_STORE)} stores), ${REPEATS} answers each, request → reply over NATS:`,
    );
    console.log('| question | p50 | p95 | max |\n| --- | --- | --- | --- |');
    for (const r of results) console.log(`| ${r.question} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} |`);
    console.log(
      `| chain by day, with today's ${MIRRORS} pairs changed (recomputed first), 5 answers | ${ms(quantile(dirtyTimes, 0.5))} | — | ${ms(dirtyTimes[dirtyTimes.length - 1])} |`,
    );
  } finally {
    await h.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
