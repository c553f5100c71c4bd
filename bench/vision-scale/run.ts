/**
 * bench/vision-scale — session-vision replicas sharing the frame partitions.
 *
 * BENCH_MIRRORS simulated mirrors (BENCH_PEOPLE with a person standing at BENCH_PERSON_FPS, the rest an
 * empty room at BENCH_EMPTY_FPS) publish `mirror.<id>.frame` as real mirrors do; the server maps each to its
 * partition. One replica is started (the baseline, R = 1), then a second and a third join the same running
 * fleet; at each size, once the partitions are balanced, every mirror is served and every person's session
 * has started, the bench measures BENCH_SECONDS: per replica the frames received and what became of them,
 * CPU seconds (process_cpu_seconds_total), partitions and mirrors; frame latency from the replicas'
 * histogram. Before partitioning, every replica received every frame (1.0× R = 1 each, R× in total).
 *
 * Run: bash scripts/infra.sh && source .infra/env && node -r ./scripts/register-ts.js bench/vision-scale/run.ts
 * Env: BENCH_REPLICAS (1,2,3), BENCH_MIRRORS (12), BENCH_PEOPLE (4), BENCH_PERSON_FPS (10),
 * BENCH_EMPTY_FPS (2), BENCH_SECONDS (20), BENCH_WORKERS (detection workers per replica; 0 = one per core).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { FRAME_PARTITIONS, FramePartitions } from '@mirror/contracts';
import {
  connectTestNats,
  deleteNamespaceStreams,
  serviceNatsEnv,
  uniqueName,
  waitFor,
} from '@mirror/testing';
import { emptyFrame, personFrame } from '@mirror/svc-session-vision/test/support/frames';
import { MirrorCamera } from '@mirror/svc-session-vision/test/support/mirror-camera';
import { Replica } from '@mirror/svc-session-vision/test/support/replica';
import { allSessionEvents, flushRedis } from '@mirror/svc-session-vision/test/support/session-events';
import { CpuMeter, pidListeningOn } from '../support/process-cpu';
import {
  addBuckets,
  bucketDelta,
  delta,
  histogramQuantile,
  readReplica,
  value,
  type ReplicaReading,
} from './metrics';
import { Traffic } from './traffic';

const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,3').split(',').map(Number);
const MIRRORS = Number(process.env.BENCH_MIRRORS ?? 12);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 4);
const PERSON_FPS = Number(process.env.BENCH_PERSON_FPS ?? 10);
const EMPTY_FPS = Number(process.env.BENCH_EMPTY_FPS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WORKERS = process.env.BENCH_WORKERS ?? '0';
const OUTCOMES = ['analysed', 'duplicate', 'dropped', 'stale', 'not-mine', 'not-owner'] as const;

interface ReplicaFigures {
  id: string;
  partitions: number;
  mirrors: number;
  received: number;
  /** Frames sent in the window by the mirrors of this replica's partitions. */
  sentToIt: number;
  outcomes: Record<string, number>;
  cpu: number;
}

interface Step {
  replicas: number;
  seconds: number;
  sent: number;
  perReplica: ReplicaFigures[];
  received: number;
  cpu: number;
  natsCpu: number | undefined;
  p50: number;
  p99: number;
  handled: number;
  /** The machine's 1-minute load average at the window's end: other work on the same cores shows here. */
  load: number;
}

const shares = (n: number) =>
  Array.from({ length: n }, (_, i) => Math.floor(FRAME_PARTITIONS / n) + (i < FRAME_PARTITIONS % n ? 1 : 0));

async function main(): Promise<void> {
  const natsUrl = process.env.NATS_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!natsUrl || !redisUrl) {
    throw new Error('NATS_URL and REDIS_URL are not set: run bash scripts/infra.sh && source .infra/env');
  }
  if (PEOPLE > MIRRORS || REPLICAS.some((r, i) => !(r >= 1) || (i > 0 && r <= REPLICAS[i - 1]))) {
    throw new Error('BENCH_REPLICAS must grow (e.g. 1,2,3) and BENCH_PEOPLE be at most BENCH_MIRRORS');
  }
  const ns = uniqueName('vscalebench');
  const [empty, person] = await Promise.all([emptyFrame(), personFrame('standing', 240, 400)]);
  const nc: NatsConnection = await connectTestNats(natsUrl);
  const ids = Array.from({ length: MIRRORS }, (_, i) => `bench-${i}`);
  const people = new Set(ids.slice(0, PEOPLE));
  const traffic = new Traffic(
    nc,
    ids.map((id) => ({
      camera: new MirrorCamera(nc, ns, id),
      frame: people.has(id) ? person : empty,
      fps: people.has(id) ? PERSON_FPS : EMPTY_FPS,
    })),
  );
  const replicas: Replica[] = [];
  const steps: Step[] = [];
  const natsPid = pidListeningOn(Number(new URL(natsUrl).port || 4222));
  const t0 = Date.now();
  console.log(
    `vision-scale bench: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${MIRRORS} mirrors ` +
      `(${PEOPLE} with a person at ${PERSON_FPS} fps, ${MIRRORS - PEOPLE} empty at ${EMPTY_FPS} fps: ` +
      `${PEOPLE * PERSON_FPS + (MIRRORS - PEOPLE) * EMPTY_FPS} frames/s), ${SECONDS} s per size, namespace ${ns}`,
  );

  try {
    traffic.start();
    for (const size of REPLICAS) {
      while (replicas.length < size) {
        const t = Date.now();
        replicas.push(
          await Replica.start(`${ns}-r${replicas.length + 1}`, {
            NATS_URL: natsUrl,
            NATS_NAMESPACE: ns,
            ...(await serviceNatsEnv('session-vision', ns)),
            REDIS_URL: redisUrl,
            REDIS_KEY_PREFIX: `${ns}:`,
            VISION_WORKERS: WORKERS,
          }),
        );
        console.log(`replica ${replicas.length} ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      }
      const t = Date.now();
      await settle(replicas, ids, nc, ns, PEOPLE);
      console.log(
        `R = ${size}: balanced, every mirror served once, ${PEOPLE} sessions open (${((Date.now() - t) / 1000).toFixed(1)} s)`,
      );
      steps.push(await measure(size, replicas, traffic, natsPid));
    }
    // one session per person from start to end: the replicas joining moved mirrors without a second one
    const events = await allSessionEvents(nc, ns);
    const started = events.filter((e) => e.subject.endsWith('session.started')).length;
    const ended = events.filter((e) => e.subject.endsWith('session.ended')).length;
    print(steps);
    console.log(
      `\nsessions over the whole run: ${started} started, ${ended} ended (${PEOPLE} people standing throughout: ` +
        `${started === PEOPLE && ended === 0 ? 'one each, none lost in a hand-over' : 'NOT one each'})`,
    );
    console.log(`whole bench: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await traffic.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    await nc.close();
    await deleteNamespaceStreams(ns, natsUrl);
    await flushRedis(`${ns}:`);
  }
}

/** Waits until the partitions are shared evenly, each mirror is served by exactly one replica, and every person has a session. */
async function settle(
  replicas: Replica[],
  ids: string[],
  nc: NatsConnection,
  ns: string,
  people: number,
): Promise<void> {
  const expected = JSON.stringify(shares(replicas.length));
  await waitFor(
    async () => {
      const readings = await Promise.all(replicas.map(readReplica));
      const got = readings.map((r) => r.status.partitions.length).sort((a, b) => b - a);
      const owned = new Set(readings.flatMap((r) => r.status.partitions));
      // a mirror is served where its partition is; it is seen only there (seen lists drop moved mirrors)
      const seen = readings.flatMap((r) => r.status.mirrors).sort();
      return (
        JSON.stringify(got) === expected &&
        owned.size === FRAME_PARTITIONS &&
        JSON.stringify(seen) === JSON.stringify([...ids].sort())
      );
    },
    60_000,
    250,
  );
  await waitFor(
    async () =>
      (await allSessionEvents(nc, ns)).filter((e) => e.subject.endsWith('session.started')).length >= people,
    60_000,
    500,
  );
  // the mirrors that moved are running on their new replica before the window opens
  await new Promise((r) => setTimeout(r, 2000));
}

async function measure(
  size: number,
  replicas: Replica[],
  traffic: Traffic,
  natsPid: number | null,
): Promise<Step> {
  const readAll = () => Promise.all(replicas.map(readReplica));
  const nats = new CpuMeter({ nats: natsPid });
  const before = await traffic.held(async () => {
    nats.start();
    return { readings: await readAll(), at: Date.now() };
  });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = await traffic.held(async () => ({
    readings: await readAll(),
    at: Date.now(),
    nats: nats.stop().nats,
  }));

  const sent = traffic.total(after.sent) - traffic.total(before.sent);
  const latency = new Map<number, number>();
  const perReplica = after.result.readings.map((a, i): ReplicaFigures => {
    const b: ReplicaReading = before.result.readings[i];
    // the partitions did not move during the window (checked below), so "its mirrors" is well defined
    const own = new Set(a.status.partitions);
    const mine = (mirrorId: string) => own.has(FramePartitions.of(mirrorId));
    addBuckets(latency, bucketDelta(b.samples, a.samples, 'vision_frame_latency_seconds'));
    return {
      id: a.id,
      partitions: value(a.samples, 'vision_partitions_owned'),
      mirrors: a.status.mirrors.length,
      received: delta(b.samples, a.samples, 'vision_frames_received_total'),
      sentToIt: traffic.total(after.sent, mine) - traffic.total(before.sent, mine),
      outcomes: Object.fromEntries(
        OUTCOMES.map((o) => [o, delta(b.samples, a.samples, 'vision_frames_total', { outcome: o })]),
      ),
      cpu: delta(b.samples, a.samples, 'process_cpu_seconds_total'),
    };
  });
  for (const [i, a] of after.result.readings.entries()) {
    if (JSON.stringify(a.status.partitions) !== JSON.stringify(before.result.readings[i].status.partitions)) {
      console.warn(`warning: ${a.id}'s partitions changed during the window`);
    }
  }
  return {
    replicas: size,
    seconds: (after.result.at - before.result.at) / 1000,
    sent,
    perReplica,
    received: perReplica.reduce((n, r) => n + r.received, 0),
    cpu: perReplica.reduce((n, r) => n + r.cpu, 0),
    natsCpu: after.result.nats,
    p50: histogramQuantile(latency, 0.5) * 1000,
    p99: histogramQuantile(latency, 0.99) * 1000,
    handled: latency.get(Infinity) ?? 0,
    load: loadavg()[0],
  };
}

function print(steps: Step[]): void {
  const base = steps[0];
  const baseShare = base.received / base.sent; // 1.0 when one replica receives every frame
  const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  console.log(
    `\nPer replica, over each window (frames sent = by all ${MIRRORS} mirrors in the window). ` +
      `"vs R = 1" = its share of the frames sent / R = 1's share (${fixed(baseShare, 3)}); ` +
      `before partitioning it was 1.00 for every replica.\n`,
  );
  console.log(
    '| R | replica | partitions | mirrors | received | sent to its partitions | vs R = 1 | analysed | duplicate | dropped | stale | not-mine | not-owner | CPU s |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of steps) {
    for (const [i, r] of s.perReplica.entries()) {
      console.log(
        `| ${s.replicas} | r${i + 1} | ${r.partitions} | ${r.mirrors} | ${r.received} | ${r.sentToIt} | ` +
          `${fixed(r.received / s.sent / baseShare)} | ${OUTCOMES.map((o) => r.outcomes[o]).join(' | ')} | ${fixed(r.cpu, 1)} |`,
      );
    }
  }
  console.log(
    "\nTotals per fleet size (latency: capture → handled, from the replicas' histogram, interpolated within its buckets; machine load: the 1-minute load average at the window's end, other work on the same cores included).\n",
  );
  console.log(
    "| R | window s | frames sent | received, all replicas | received / sent | mean per replica vs R = 1 | analysed | dropped + stale | replicas' CPU s | NATS CPU s | latency p50 ms | p99 ms | machine load |",
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of steps) {
    const sum = (o: string) => s.perReplica.reduce((n, r) => n + r.outcomes[o], 0);
    console.log(
      `| ${s.replicas} | ${fixed(s.seconds, 1)} | ${s.sent} | ${s.received} | ${fixed(s.received / s.sent)}× | ` +
        `${fixed(s.received / s.sent / s.replicas / baseShare)} (1/R = ${fixed(1 / s.replicas)}) | ${sum('analysed')} | ` +
        `${sum('dropped') + sum('stale')} | ${fixed(s.cpu, 1)} | ${s.natsCpu === undefined ? '–' : fixed(s.natsCpu, 1)} | ` +
        `${fixed(s.p50, 0)} | ${fixed(s.p99, 0)} | ${fixed(s.load, 1)} |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench/vision-scale failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
