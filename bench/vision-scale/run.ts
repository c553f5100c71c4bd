/**
 * bench/vision-scale — session-vision replicas sharing the frame partitions, and what an idle mirror costs.
 *
 * Part 1, scale-out. BENCH_MIRRORS simulated mirrors (BENCH_PEOPLE with a person standing at
 * BENCH_PERSON_FPS, the rest an empty room at BENCH_EMPTY_FPS; frames of mirror-sim's shipped sequence)
 * publish `mirror.<id>.frame` as real mirrors do; the server maps each to its partition. One replica is
 * started (R = 1), then more join the same running fleet (BENCH_REPLICAS, 1,2,4); at each size, once the
 * partitions are balanced, every mirror is served and every person's session has started, the bench
 * measures BENCH_SECONDS: per replica the frames received and what became of them, CPU seconds
 * (process_cpu_seconds_total); from the NATS server's monitor (`/connz`) the bytes it delivered to the
 * replicas' connections against the JPEG bytes the cameras published (before partitioning every replica
 * received every frame: R× the bytes); frame latency (capture → handled) from the replicas' histogram.
 *
 * Part 2, idle mirrors per core. One replica with one detection worker (VISION_WORKERS=1), empty rooms:
 * BENCH_IDLE_FIXED_MIRRORS at a fixed 10 fps (few enough that the worker is not saturated, so what it spends
 * is what 10 fps costs), then BENCH_IDLE_MIRRORS at the rate session-vision advises them on
 * `mirror.<id>.control` (frames on demand; VISION_IDLE_FPS, 2 by default). The replica's CPU seconds
 * (main thread and worker) per mirror-second at each rate give the mirrors one core holds (1 / that). Then
 * that many idle mirrors (at most BENCH_IDLE_MAX), and 20 when that is fewer, run at the advised rate for a
 * window each, to see whether the replica keeps up: every frame received, none dropped or stale.
 *
 * Run: bash scripts/infra.sh && source .infra/env && node -r ./scripts/register-ts.js bench/vision-scale/run.ts
 * Env: BENCH_REPLICAS (1,2,4), BENCH_MIRRORS (12), BENCH_PEOPLE (4), BENCH_PERSON_FPS (10),
 * BENCH_EMPTY_FPS (2), BENCH_SECONDS (15), BENCH_WORKERS (detection workers per replica in part 1; 0 = one
 * per core), BENCH_IDLE_FIXED_MIRRORS (5), BENCH_IDLE_MIRRORS (10),
 * BENCH_IDLE_SECONDS (15), BENCH_IDLE_MAX (60), NATS_MONITOR_URL
 * (default http://127.0.0.1:$NATS_MONITOR_PORT, 8223 as scripts/infra.sh starts it).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { controlSchema, FRAME_PARTITIONS, FramePartitions } from '@mirror/contracts';
import { emptyFrame, personFrame } from '@mirror/mirror-sim';
import {
  connectTestNats,
  deleteNamespaceStreams,
  serviceNatsEnv,
  testNatsAuth,
  uniqueName,
  waitFor,
} from '@mirror/testing';
import { MirrorCamera } from '@mirror/svc-session-vision/test/support/mirror-camera';
import { Replica } from '@mirror/svc-session-vision/test/support/replica';
import { allSessionEvents, flushRedis } from '@mirror/svc-session-vision/test/support/session-events';
import {
  addBuckets,
  bucketDelta,
  delta,
  histogramQuantile,
  readReplica,
  value,
  type ReplicaReading,
} from './metrics';
import {
  connectionDelta,
  named,
  natsMonitorUrl,
  readConnections,
  replicasOf,
  type ConnectionTraffic,
} from './nats-monitor';
import { Traffic } from './traffic';

const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,4').split(',').map(Number);
const MIRRORS = Number(process.env.BENCH_MIRRORS ?? 12);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 4);
const PERSON_FPS = Number(process.env.BENCH_PERSON_FPS ?? 10);
const EMPTY_FPS = Number(process.env.BENCH_EMPTY_FPS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WORKERS = process.env.BENCH_WORKERS ?? '0';
const IDLE_MIRRORS = Number(process.env.BENCH_IDLE_MIRRORS ?? 10);
const IDLE_FIXED_MIRRORS = Number(process.env.BENCH_IDLE_FIXED_MIRRORS ?? 5);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 15);
const IDLE_MAX = Number(process.env.BENCH_IDLE_MAX ?? 60);
const FIXED_FPS = 10;
const OUTCOMES = ['analysed', 'duplicate', 'dropped', 'stale', 'not-mine', 'not-owner'] as const;
/** The cameras publish on a connection of their own, so the server's count of what they sent is theirs alone. */
const CAMERAS = 'vision-scale-cameras';
/** Targets of the scale-out: bytes delivered to all replicas / bytes published, at most; idle mirrors per core, at least. */
const MAX_BYTES_RATIO = 1.05;
const MIN_IDLE_PER_CORE = 20;

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

/** One measured window: what the cameras sent, what the replicas made of it, what NATS carried. */
interface Window {
  seconds: number;
  sent: number;
  /** JPEG bytes the cameras sent. */
  published: number;
  /** The cameras' connection as the server counts it (in_*: what it received from them, headers included). */
  cameras: ConnectionTraffic;
  /** The replicas' connections (out_*: everything the server delivered to them). */
  delivered: ConnectionTraffic;
  perReplica: ReplicaFigures[];
  received: number;
  cpu: number;
  p50: number;
  p99: number;
  handled: number;
  /** The machine's 1-minute load average at the window's end: other work on the same cores shows here. */
  load: number;
}

interface Step extends Window {
  replicas: number;
}

interface IdleFigures {
  advisedFps: number;
  fixed: Window & { mirrors: number };
  onDemand: Window & { mirrors: number };
  /** CPU seconds per mirror-second at the fixed rate and at the advised one. */
  perMirrorSecond: { fixed: number; onDemand: number };
  checks: (Window & { mirrors: number })[];
}

const shares = (n: number) =>
  Array.from({ length: n }, (_, i) => Math.floor(FRAME_PARTITIONS / n) + (i < FRAME_PARTITIONS % n ? 1 : 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);

async function main(): Promise<void> {
  const natsUrl = process.env.NATS_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!natsUrl || !redisUrl) {
    throw new Error('NATS_URL and REDIS_URL are not set: run bash scripts/infra.sh && source .infra/env');
  }
  if (PEOPLE > MIRRORS || REPLICAS.some((r, i) => !(r >= 1) || (i > 0 && r <= REPLICAS[i - 1]))) {
    throw new Error('BENCH_REPLICAS must grow (e.g. 1,2,4) and BENCH_PEOPLE be at most BENCH_MIRRORS');
  }
  if (!(IDLE_MIRRORS >= 1) || !(IDLE_FIXED_MIRRORS >= 1) || !(IDLE_MAX >= IDLE_MIRRORS)) {
    throw new Error(
      'BENCH_IDLE_MIRRORS and BENCH_IDLE_FIXED_MIRRORS must be at least 1, BENCH_IDLE_MAX at least BENCH_IDLE_MIRRORS',
    );
  }
  await readConnections().catch((err: unknown) => {
    throw new Error(`the NATS monitor at ${natsMonitorUrl()} does not answer (${String(err)})`);
  });
  const [empty, person] = await Promise.all([emptyFrame(), personFrame(250)]);
  const nc = await connectTestNats(natsUrl);
  const camerasNc = await connectCameras(natsUrl);
  const t0 = Date.now();
  const loadAtStart = loadavg()[0];
  console.log(
    `vision-scale bench: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), load ${loadAtStart.toFixed(1)}; ` +
      `part 1: ${MIRRORS} mirrors (${PEOPLE} with a person at ${PERSON_FPS} fps, ${MIRRORS - PEOPLE} empty at ` +
      `${EMPTY_FPS} fps: ${PEOPLE * PERSON_FPS + (MIRRORS - PEOPLE) * EMPTY_FPS} frames/s), replicas ${REPLICAS.join(', ')}, ` +
      `${SECONDS} s per size; part 2: ${IDLE_FIXED_MIRRORS} empty rooms at ${FIXED_FPS} fps, ${IDLE_MIRRORS} at the advised rate on one replica with one worker, ${IDLE_SECONDS} s each`,
  );
  try {
    const scale = await scaleOut(natsUrl, redisUrl, nc, camerasNc, { empty, person });
    const idle = await idleCapacity(natsUrl, redisUrl, nc, camerasNc, empty);
    printScale(scale.steps);
    console.log(
      `\nsessions over part 1: ${scale.started} started, ${scale.ended} ended (${PEOPLE} people standing throughout: ` +
        `${scale.started === PEOPLE && scale.ended === 0 ? 'one each, none lost in a hand-over' : 'NOT one each'})`,
    );
    printIdle(idle);
    printVerdict(scale.steps, idle);
    const loads = [...scale.steps, idle.fixed, idle.onDemand, ...idle.checks].map((w) => w.load);
    console.log(
      `\nmachine load (1-minute average): ${loadAtStart.toFixed(1)} at the start, ` +
        `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the windows' ends; ` +
        `whole bench ${((Date.now() - t0) / 1000).toFixed(0)} s, ${new Date().toISOString()}`,
    );
  } finally {
    await camerasNc.close();
    await nc.close();
  }
}

/** The cameras' own connection (the harness user, under the name CAMERAS). */
async function connectCameras(servers: string): Promise<NatsConnection> {
  const { creds } = await testNatsAuth();
  return connect({
    servers,
    name: CAMERAS,
    ...(creds ? { authenticator: credsAuthenticator(new TextEncoder().encode(creds)) } : {}),
  });
}

async function startReplica(
  id: string,
  ns: string,
  natsUrl: string,
  redisUrl: string,
  workers: string,
): Promise<Replica> {
  const t = Date.now();
  const replica = await Replica.start(id, {
    NATS_URL: natsUrl,
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('session-vision', ns)),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `${ns}:`,
    VISION_WORKERS: workers,
  });
  console.log(`${id} ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return replica;
}

async function scaleOut(
  natsUrl: string,
  redisUrl: string,
  nc: NatsConnection,
  camerasNc: NatsConnection,
  frames: { empty: Uint8Array; person: Uint8Array },
): Promise<{ steps: Step[]; started: number; ended: number }> {
  const ns = uniqueName('vscalebench');
  const ids = Array.from({ length: MIRRORS }, (_, i) => `bench-${i}`);
  const people = new Set(ids.slice(0, PEOPLE));
  const traffic = new Traffic(
    camerasNc,
    ids.map((id) => ({
      camera: new MirrorCamera(camerasNc, ns, id),
      frame: people.has(id) ? frames.person : frames.empty,
      fps: people.has(id) ? PERSON_FPS : EMPTY_FPS,
    })),
  );
  const replicas: Replica[] = [];
  const steps: Step[] = [];
  try {
    traffic.start();
    for (const size of REPLICAS) {
      while (replicas.length < size) {
        replicas.push(await startReplica(`${ns}-r${replicas.length + 1}`, ns, natsUrl, redisUrl, WORKERS));
      }
      const t = Date.now();
      await settle(replicas, ids, nc, ns, PEOPLE);
      console.log(
        `R = ${size}: balanced, every mirror served once, ${PEOPLE} sessions open (${((Date.now() - t) / 1000).toFixed(1)} s)`,
      );
      steps.push({ replicas: size, ...(await measure(ns, replicas, traffic, SECONDS)) });
    }
    // one session per person from start to end: the replicas joining moved mirrors without a second one
    const events = await allSessionEvents(nc, ns);
    return {
      steps,
      started: events.filter((e) => e.subject.endsWith('session.started')).length,
      ended: events.filter((e) => e.subject.endsWith('session.ended')).length,
    };
  } finally {
    await traffic.stop();
    await Promise.all(replicas.map((r) => r.stop()));
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
  if (people > 0) {
    await waitFor(
      async () =>
        (await allSessionEvents(nc, ns)).filter((e) => e.subject.endsWith('session.started')).length >=
        people,
      60_000,
      500,
    );
  }
  // the mirrors that moved are running on their new replica before the window opens
  await sleep(2000);
}

/**
 * One window of `seconds`: the replicas' counters and the server's connection counters read with the
 * cameras held at both ends, so that they line up with what was sent.
 */
async function measure(ns: string, replicas: Replica[], traffic: Traffic, seconds: number): Promise<Window> {
  const read = async () => {
    const [readings, connections] = await Promise.all([
      Promise.all(replicas.map(readReplica)),
      readConnections(),
    ]);
    return { readings, connections, at: Date.now() };
  };
  const before = await traffic.held(read);
  await sleep(seconds * 1000);
  const after = await traffic.held(read);

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
  const delivered = connectionDelta(before.result.connections, after.result.connections, replicasOf(ns));
  if (delivered.connections !== replicas.length) {
    throw new Error(
      `the NATS monitor shows ${delivered.connections} replica connections, not ${replicas.length}`,
    );
  }
  return {
    seconds: (after.result.at - before.result.at) / 1000,
    sent: traffic.total(after.sent) - traffic.total(before.sent),
    published: traffic.total(after.bytes) - traffic.total(before.bytes),
    cameras: connectionDelta(before.result.connections, after.result.connections, named(CAMERAS)),
    delivered,
    perReplica,
    received: sum(perReplica.map((r) => r.received)),
    cpu: sum(perReplica.map((r) => r.cpu)),
    p50: histogramQuantile(latency, 0.5) * 1000,
    p99: histogramQuantile(latency, 0.99) * 1000,
    handled: latency.get(Infinity) ?? 0,
    load: loadavg()[0],
  };
}

/**
 * Part 2: what an empty room costs one replica with one worker, at a fixed 10 fps and at the rate
 * session-vision advises; then a run with as many idle mirrors as one core should hold at that rate.
 */
async function idleCapacity(
  natsUrl: string,
  redisUrl: string,
  nc: NatsConnection,
  camerasNc: NatsConnection,
  empty: Uint8Array,
): Promise<IdleFigures> {
  const ns = uniqueName('vscaleidle');
  const cameras = new Map<string, MirrorCamera>();
  const cameraFor = (id: string) => {
    if (!cameras.has(id)) cameras.set(id, new MirrorCamera(camerasNc, ns, id));
    return cameras.get(id)!;
  };
  const rooms = (n: number, fps: number) =>
    Array.from({ length: n }, (_, i) => ({ camera: cameraFor(`idle-${i}`), frame: empty, fps }));
  // the frame-rate advice each mirror got last
  const advice = new Map<string, { fps: number; reason: string }>();
  const sub = nc.subscribe(`${ns}.mirror.*.control`, {
    callback: (err, msg) => {
      if (err) return;
      const parsed = controlSchema.safeParse(msg.json());
      if (parsed.success && parsed.data.kind === 'frame-rate') {
        advice.set(msg.subject.split('.').at(-2)!, { fps: parsed.data.fps, reason: parsed.data.reason });
      }
    },
  });
  await nc.flush();
  const replica = await startReplica(`${ns}-r1`, ns, natsUrl, redisUrl, '1');
  const allSeenAndAdvised = async (n: number) => {
    const ids = Array.from({ length: n }, (_, i) => `idle-${i}`);
    await waitFor(
      async () => {
        const { status } = await readReplica(replica);
        const seen = new Set(status.mirrors);
        return ids.every((id) => seen.has(id) && advice.get(id)?.reason === 'idle');
      },
      30_000,
      250,
    );
  };
  // one window of `n` rooms at `fps`, once every one of them is served and has been advised
  let traffic: Traffic | undefined;
  const run = async (n: number, fps: number, label: string) => {
    await traffic?.stop();
    traffic = new Traffic(camerasNc, rooms(n, fps));
    traffic.start();
    await allSeenAndAdvised(n);
    await sleep(3000);
    const w = await measure(ns, [replica], traffic, IDLE_SECONDS);
    console.log(`${label}: ${n} rooms × ${fps} fps, ${w.cpu.toFixed(2)} CPU s in ${w.seconds.toFixed(1)} s`);
    return { ...w, mirrors: n };
  };
  try {
    const fixed = await run(IDLE_FIXED_MIRRORS, FIXED_FPS, 'fixed rate');
    const rates = new Set([...advice.values()].map((a) => a.fps));
    if (rates.size !== 1) {
      throw new Error(`the idle mirrors were advised different rates: ${[...rates].join(', ')}`);
    }
    const advisedFps = [...rates][0];
    const onDemand = await run(IDLE_MIRRORS, advisedFps, 'frames on demand');
    const perMirrorSecond = {
      fixed: fixed.cpu / (fixed.mirrors * fixed.seconds),
      onDemand: onDemand.cpu / (onDemand.mirrors * onDemand.seconds),
    };
    const perCore = Math.max(1, Math.min(IDLE_MAX, Math.floor(1 / perMirrorSecond.onDemand)));
    const checks = [];
    // at the target and at what the CPU figure allows: the computed one ignores bursts (all cameras tick
    // together) that make a single worker drop frames before it is fully busy
    for (const n of [...new Set([MIN_IDLE_PER_CORE, perCore])].sort((a, b) => a - b)) {
      checks.push(await run(n, advisedFps, 'check'));
    }
    return { advisedFps, fixed, onDemand, perMirrorSecond, checks };
  } finally {
    await traffic?.stop();
    sub.unsubscribe();
    await replica.stop();
    await deleteNamespaceStreams(ns, natsUrl);
    await flushRedis(`${ns}:`);
  }
}

const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const int = (n: number) => n.toLocaleString('en-US');
const mb = (n: number) => (n / 1e6).toFixed(2);

function printScale(steps: Step[]): void {
  const base = steps[0];
  const baseShare = base.received / base.sent; // 1.0 when one replica receives every frame
  console.log(
    `\nPart 1, per replica, over each window (frames sent = by all ${MIRRORS} mirrors in the window). ` +
      `"vs R = 1" = its share of the frames sent / R = 1's share (${fixed(baseShare, 3)}).\n`,
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
    "\nPart 1, bytes: published = the JPEGs the cameras sent; the server's own counts from /connz: in_bytes of " +
      "the cameras' connection (frames with their headers), out_bytes / out_msgs of the replicas' connections " +
      '(everything delivered to them). Before partitioning delivered / published was ≈ R.\n',
  );
  console.log(
    "| R | window s | frames sent | JPEG MB published | cameras' in MB (NATS) | delivered to replicas MB (NATS) | msgs delivered | delivered / published |",
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of steps) {
    console.log(
      `| ${s.replicas} | ${fixed(s.seconds, 1)} | ${int(s.sent)} | ${mb(s.published)} | ${mb(s.cameras.inBytes)} | ` +
        `${mb(s.delivered.outBytes)} | ${int(s.delivered.outMsgs)} | ${fixed(s.delivered.outBytes / s.published, 3)} |`,
    );
  }
  console.log(
    "\nPart 1, totals (latency: capture → handled, from the replicas' histogram, interpolated within its buckets; " +
      "load: the 1-minute load average at the window's end).\n",
  );
  console.log(
    "| R | received / sent | analysed | dropped + stale | replicas' CPU s | latency p50 ms | p99 ms | load |",
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of steps) {
    const total = (o: string) => sum(s.perReplica.map((r) => r.outcomes[o]));
    console.log(
      `| ${s.replicas} | ${fixed(s.received / s.sent)}× | ${total('analysed')} | ${total('dropped') + total('stale')} | ` +
        `${fixed(s.cpu, 1)} | ${fixed(s.p50, 0)} | ${fixed(s.p99, 0)} | ${fixed(s.load, 1)} |`,
    );
  }
}

function printIdle(idle: IdleFigures): void {
  const row = (label: string, fps: number, w: Window & { mirrors: number }, perMirrorSecond?: number) => {
    const o = w.perReplica[0].outcomes;
    console.log(
      `| ${label} | ${w.mirrors} × ${fps} fps | ${fixed(w.seconds, 1)} | ${int(w.sent)} | ${int(w.received)} | ` +
        `${o.analysed} | ${o.duplicate} | ${o.dropped + o.stale} | ${fixed(w.cpu, 2)} | ${fixed(w.cpu / w.seconds)} | ` +
        `${perMirrorSecond === undefined ? '–' : fixed(perMirrorSecond * 1000, 1)} | ` +
        `${perMirrorSecond === undefined ? '–' : fixed(1 / perMirrorSecond, 1)} | ${fixed(w.p99, 0)} | ${fixed(w.load, 1)} |`,
    );
  };
  console.log(
    '\nPart 2, idle mirrors per core: one replica, one detection worker, empty rooms. CPU s = the replica ' +
      'process (main thread and worker, process_cpu_seconds_total); its fixed costs (leases, sweeps) count against the mirrors.\n',
  );
  console.log(
    '| window | mirrors × rate | s | frames sent | received | analysed | duplicate | dropped + stale | CPU s | cores | CPU ms per mirror-second | mirrors per core | p99 ms | load |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  row('fixed rate', FIXED_FPS, idle.fixed, idle.perMirrorSecond.fixed);
  row('frames on demand (advised)', idle.advisedFps, idle.onDemand, idle.perMirrorSecond.onDemand);
  for (const c of idle.checks) row('check', idle.advisedFps, c);
  console.log(
    `\nidle mirrors per core: ${fixed(1 / idle.perMirrorSecond.onDemand, 1)} on demand (${idle.advisedFps} fps) vs ` +
      `${fixed(1 / idle.perMirrorSecond.fixed, 1)} at a fixed ${FIXED_FPS} fps: ` +
      `${fixed(idle.perMirrorSecond.fixed / idle.perMirrorSecond.onDemand, 1)}×`,
  );
}

function printVerdict(steps: Step[], idle: IdleFigures): void {
  const worst = Math.max(...steps.map((s) => s.delivered.outBytes / s.published));
  const perCore = 1 / idle.perMirrorSecond.onDemand;
  console.log('\nTargets:');
  console.log(
    `- delivered / published bytes ≤ ${MAX_BYTES_RATIO} at every replica count: worst ${fixed(worst, 3)} — ${worst <= MAX_BYTES_RATIO ? 'met' : 'NOT met'}`,
  );
  console.log(
    `- ≥ ${MIN_IDLE_PER_CORE} idle mirrors per core at the advised idle rate: ${fixed(perCore, 1)} — ${perCore >= MIN_IDLE_PER_CORE ? 'met' : 'NOT met'}`,
  );
  for (const c of idle.checks) {
    const lost = c.sent - c.received;
    const overloaded = c.perReplica[0].outcomes.dropped + c.perReplica[0].outcomes.stale;
    console.log(
      `- ${c.mirrors} idle mirrors on one worker: ${lost} of ${c.sent} frames not received, ${overloaded} dropped or stale — ` +
        `${lost === 0 && overloaded === 0 ? 'kept up' : 'did NOT keep up'}`,
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
