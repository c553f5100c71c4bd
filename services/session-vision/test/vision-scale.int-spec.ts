import Redis from 'ioredis';
import type { NatsConnection } from '@nats-io/transport-node';
import { FRAME_PARTITIONS, FramePartitions } from '@mirror/contracts';
import {
  connectTestNats,
  deleteNamespaceStreams,
  serviceNatsEnv,
  testEnv,
  uniqueName,
  waitFor,
} from '@mirror/testing';
import { emptyFrame, personFrame } from './support/frames';
import { MirrorCamera } from './support/mirror-camera';
import { Replica } from './support/replica';
import { allSessionEvents, flushRedis, type SessionEvent } from './support/session-events';

const PARTITION_LEASE_MS = 2400;
const ROUND_MS = PARTITION_LEASE_MS / 3;
const MIRRORS = 30;
const WITH_PERSON = 6;
const FRAME_INTERVAL_MS = 500; // 2 fps: an idle mirror's rate
// Four replicas (one loading its models) share two cores with the test: a replica may analyse nothing for
// seconds, and a session then ends as absent. Shorter than production's 12 s, longer than such a stall.
const ABSENCE_MS = 8000;

interface Status {
  replicaId: string;
  replicas: string[];
  share: number;
  partitions: number[];
  mirrors: string[];
}

const status = async (r: Replica): Promise<Status> =>
  (await fetch(`${r.url}/partitions`)).json() as Promise<Status>;
const shares = async (rs: Replica[]) => Promise.all(rs.map(async (r) => (await status(r)).partitions.length));

describe('session-vision at scale (partitioned frames, replicas coming and going)', () => {
  const ns = uniqueName('vscale');
  let nc: NatsConnection;
  let redis: Redis;
  const replicas: Replica[] = [];
  const cameras: MirrorCamera[] = [];
  const sent = new Map<string, number>();
  let scene: (mirrorId: string) => Uint8Array;
  let running = true;
  let streaming: Promise<void> = Promise.resolve();

  const env = async () => ({
    NATS_URL: testEnv.natsUrl(),
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('session-vision', ns)),
    REDIS_URL: testEnv.redisUrl(),
    REDIS_KEY_PREFIX: `${ns}:`,
    PARTITION_LEASE_MS: String(PARTITION_LEASE_MS),
    MIRROR_LEASE_MS: '1000',
    SESSION_ABSENCE_MS: String(ABSENCE_MS),
    SESSION_FRAMES_STOPPED_MS: String(ABSENCE_MS + 4000),
    FRAME_MAX_AGE_MS: '10000',
    SWEEP_INTERVAL_MS: '200',
    VISION_WORKERS: '1',
  });
  const start = async (name: string) => {
    const r = await Replica.start(`${ns}-${name}`, await env());
    replicas.push(r);
    return r;
  };
  const live = () => replicas.filter((r) => !r.killed);
  const balanced = async (expected: number[]) =>
    waitFor(
      async () => {
        const got = (await shares(live())).sort((a, b) => b - a);
        return JSON.stringify(got) === JSON.stringify(expected) ? got : null;
      },
      20_000,
      100,
    );

  beforeAll(async () => {
    const [empty, person] = await Promise.all([emptyFrame(), personFrame('standing', 240, 400)]);
    nc = await connectTestNats();
    redis = new Redis(testEnv.redisUrl(), { keyPrefix: `${ns}:` });
    for (let i = 0; i < MIRRORS; i++) {
      cameras.push(new MirrorCamera(nc, ns, `scale-${i}`, FRAME_INTERVAL_MS));
    }
    const people = new Set(cameras.slice(0, WITH_PERSON).map((c) => c.mirrorId));
    scene = (mirrorId) => (people.has(mirrorId) ? person : empty);
    await Promise.all(['a', 'b', 'c'].map((n) => start(n)));
  }, 120_000);

  afterAll(async () => {
    running = false;
    await streaming;
    await Promise.all(live().map((r) => r.stop()));
    redis?.disconnect();
    await nc?.close();
    await deleteNamespaceStreams(ns);
    await flushRedis(`${ns}:`);
  }, 60_000);

  /** Every camera sends its scene at 2 fps until the test ends. */
  function stream(): void {
    streaming = (async () => {
      while (running) {
        for (const c of cameras) {
          c.send(scene(c.mirrorId));
          sent.set(c.mirrorId, (sent.get(c.mirrorId) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, FRAME_INTERVAL_MS));
      }
    })();
  }

  it('splits the 64 partitions 22/21/21 among three replicas', async () => {
    expect(await balanced([22, 21, 21])).toEqual([22, 21, 21]);
    const all = (await Promise.all(live().map(status))).flatMap((s) => s.partitions);
    expect(new Set(all).size).toBe(FRAME_PARTITIONS);
    expect(all).toHaveLength(FRAME_PARTITIONS);
  });

  it("delivers to each replica only the frames of its own partitions, and each mirror's to exactly one", async () => {
    stream();
    await waitFor(
      async () => {
        const started = new Set((await allSessionEvents(nc, ns)).map((e) => e.mirrorId));
        return started.size === WITH_PERSON;
      },
      30_000,
      250,
    );
    // frames keep flowing (a pause would end the sessions): what each replica received lies between what
    // had been sent to its partitions before its counter was read (less a round in flight) and after
    const sentTo = (own: Set<number>) =>
      cameras
        .filter((c) => own.has(FramePartitions.of(c.mirrorId)))
        .reduce((n, c) => n + (sent.get(c.mirrorId) ?? 0), 0);
    const statuses = await Promise.all(live().map(status));
    let total = 0;
    for (const [i, s] of statuses.entries()) {
      const own = new Set(s.partitions);
      expect(s.mirrors.every((m) => own.has(FramePartitions.of(m)))).toBe(true);
      const before = sentTo(own);
      const received = await live()[i].counter('vision_frames_received_total', '');
      const after = sentTo(own);
      const mirrorsHere = cameras.filter((c) => own.has(FramePartitions.of(c.mirrorId))).length;
      expect(received).toBeGreaterThanOrEqual(before - mirrorsHere);
      expect(received).toBeLessThanOrEqual(after);
      expect(await live()[i].counter('vision_frames_total', 'outcome="not-mine"')).toBe(0);
      const lastFrames = await live()[i].labelValues('vision_mirror_last_frame_timestamp_seconds', 'mirror');
      expect(lastFrames.sort()).toEqual([...s.mirrors].sort());
      total += received;
    }
    const seen = statuses.flatMap((s) => s.mirrors);
    expect(seen.sort()).toEqual(cameras.map((c) => c.mirrorId).sort());
    // every frame once, not once per replica
    expect(total).toBeLessThanOrEqual([...sent.values()].reduce((a, b) => a + b, 0));
  }, 60_000);

  it('rebalances to 16 each when a fourth replica starts, without a second session or a lost one', async () => {
    await start('d');
    expect(await balanced([16, 16, 16, 16])).toEqual([16, 16, 16, 16]);
    await new Promise((r) => setTimeout(r, 2000)); // the moved mirrors are watched by their new replica
    expectOneOpenSessionPerPerson(await allSessionEvents(nc, ns));
  }, 60_000);

  it("moves a killed replica's partitions to the others within the lease, without a second session", async () => {
    const victim = live()[0];
    const t0 = Date.now();
    victim.kill();
    await balanced([22, 21, 21]);
    // a lease, and at most a round for the others to see the member gone and one to take its partitions
    expect(Date.now() - t0).toBeLessThanOrEqual(PARTITION_LEASE_MS + 2 * ROUND_MS + 500);
    await new Promise((r) => setTimeout(r, ABSENCE_MS + 1000)); // the gap is not taken for absence
    expectOneOpenSessionPerPerson(await allSessionEvents(nc, ns));
  }, 60_000);

  it('ends every session once when the people leave: none is left open', async () => {
    const empty = await emptyFrame();
    scene = () => empty;
    const events = await waitFor(
      async () => {
        const e = await allSessionEvents(nc, ns);
        return e.filter((x) => x.subject.endsWith('session.ended')).length >= WITH_PERSON ? e : null;
      },
      20_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const after = await allSessionEvents(nc, ns);
    expect(after).toHaveLength(events!.length);
    const byMirror = groupByMirror(after);
    expect(byMirror.size).toBe(WITH_PERSON);
    for (const list of byMirror.values()) {
      expect(list.map((e) => e.subject.replace(`${ns}.`, ''))).toEqual(['session.started', 'session.ended']);
      expect(list[0].sessionId).toBe(list[1].sessionId);
    }
    expect(await redis.smembers('vision:open-sessions')).toEqual([]);
  }, 60_000);
});

function groupByMirror(events: SessionEvent[]): Map<string, SessionEvent[]> {
  const out = new Map<string, SessionEvent[]>();
  for (const e of events) out.set(e.mirrorId, [...(out.get(e.mirrorId) ?? []), e]);
  return out;
}

/** Each mirror with a person: exactly one session.started, and no session.ended yet. */
function expectOneOpenSessionPerPerson(events: SessionEvent[]): void {
  const byMirror = groupByMirror(events);
  expect(byMirror.size).toBe(WITH_PERSON);
  for (const [mirrorId, list] of byMirror) {
    const seen = list.map((e) => `${e.subject.split('.').pop()}${e.reason ? `:${e.reason}` : ''}@${e.at}`);
    expect([mirrorId, list.map((e) => e.subject.split('.').pop()), seen]).toEqual([
      mirrorId,
      ['started'],
      seen,
    ]);
  }
}
