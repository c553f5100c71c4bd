import Redis from 'ioredis';
import { type NatsConnection } from '@nats-io/transport-node';
import {
  deleteNamespaceStreams,
  testEnv,
  uniqueName,
  waitFor,
  connectTestNats,
  serviceNatsEnv,
} from '@mirror/testing';
import { FRAME_PARTITIONS } from '@mirror/contracts';
import { emptyFrame, garbageFrames, personFrame } from './support/frames';
import { MirrorCamera } from './support/mirror-camera';
import { Replica } from './support/replica';
import { flushRedis, sessionEvents } from './support/session-events';

// Short timeouts so a whole session fits in a few seconds; the rules are the production ones.
const ABSENCE_MS = 1500;
const timings = {
  SESSION_ABSENCE_MS: String(ABSENCE_MS),
  SESSION_FRAMES_STOPPED_MS: '4000',
  FRAME_MAX_AGE_MS: '10000',
  MIRROR_LEASE_MS: '1000',
  PARTITION_LEASE_MS: '1500',
  SWEEP_INTERVAL_MS: '200',
  GESTURE_REFRACTORY_MS: '1000',
  // the sweeps below take ~2 s, so that a machine busy with other tests still sees the hand along the way
  SWIPE_MAX_DURATION_MS: '3000',
  VISION_WORKERS: '1',
};

const env = async (ns: string) => ({
  NATS_URL: testEnv.natsUrl(),
  NATS_NAMESPACE: ns,
  ...(await serviceNatsEnv('session-vision', ns)),
  REDIS_URL: testEnv.redisUrl(),
  REDIS_KEY_PREFIX: `${ns}:`,
  ...timings,
});

describe('session-vision (one replica)', () => {
  const ns = uniqueName('vis');
  let nc: NatsConnection;
  let sut: Replica;
  let empty: Buffer;
  let person: Buffer;

  beforeAll(async () => {
    [empty, person] = await Promise.all([emptyFrame(), personFrame('standing', 240, 400)]);
    nc = await connectTestNats();
    sut = await Replica.start(`${ns}-a`, await env(ns));
  }, 90_000);

  afterAll(async () => {
    await sut?.stop();
    await nc?.close();
    await deleteNamespaceStreams(ns);
    await flushRedis(`${ns}:`);
  }, 30_000);

  it('opens one session for a person who stays, and ends it once after they leave', async () => {
    const camera = new MirrorCamera(nc, ns, 'fitting-1');
    const gestures: string[] = [];
    const sub = nc.subscribe(`${ns}.mirror.fitting-1.gesture`, {
      callback: (_e, m) => void gestures.push(m.string()),
    });
    await camera.hold(empty, 500);
    await camera.hold(person, 1500);
    await camera.hold(empty, ABSENCE_MS + 1500);
    sub.unsubscribe();
    expect(gestures).toEqual([]); // someone just standing there commands nothing
    const events = await waitFor(async () => {
      const e = await sessionEvents(nc, ns, 'fitting-1');
      return e.some((x) => x.subject.endsWith('session.ended')) ? e : null;
    }, 10_000).then((e) => e!);
    expect(events.map((e) => e.subject.replace(`${ns}.`, ''))).toEqual(['session.started', 'session.ended']);
    expect(events[1]).toMatchObject({ sessionId: events[0].sessionId, reason: 'absent' });
    expect(Date.parse(events[1].at)).toBeGreaterThan(Date.parse(events[0].at));
  }, 30_000);

  it('turns a hand sweeping across the frame into one swipe each way, in its direction', async () => {
    const camera = new MirrorCamera(nc, ns, 'fitting-2');
    const gestures: string[] = [];
    const sub = nc.subscribe(`${ns}.mirror.fitting-2.gesture`, {
      callback: (_err, msg) => void gestures.push((msg.json() as { gesture: string }).gesture),
    });
    const at = (x: number) => personFrame('diner', x, 360);
    // 270 px of 640: past the 25 % of the frame width a swipe needs.
    const right = await Promise.all([0, 45, 90, 135, 180, 225, 270].map(at));
    // the session opens (hands are only looked at during one), however busy the machine is
    await waitFor(async () => {
      await camera.hold(right[0], 300);
      return (await sessionEvents(nc, ns, 'fitting-2')).some((e) => e.subject.endsWith('session.started'));
    }, 15_000);
    await camera.hold(right[0], 1000); // and the hand is found where the sweep starts
    const sweep = async (frames: Uint8Array[]) => {
      for (const frame of frames) await camera.hold(frame, 300);
    };
    await sweep(right);
    await camera.hold(right[right.length - 1], 1500);
    await sweep([...right].reverse());
    await camera.hold(right[0], 800);
    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    expect(gestures.filter((g) => g.startsWith('swipe_'))).toEqual(['swipe_right', 'swipe_left']);
  }, 45_000);

  it('skips frames that are not images, keeps going, and counts them', async () => {
    const camera = new MirrorCamera(nc, ns, 'fitting-3');
    const undecodable = () => sut.counter('vision_frames_total', 'outcome="undecodable"');
    const before = await undecodable();
    // One at a time: a frame still waiting when the next arrives would be dropped (latest frame wins).
    for (const [i, junk] of garbageFrames().entries()) {
      camera.send(junk);
      await waitFor(async () => ((await undecodable()) >= before + i + 1 ? true : null), 5000);
    }
    camera.send(person, null); // no ts/seq headers
    camera.send(person, { ts: 'yesterday' });
    await camera.hold(person, 1200);
    const events = await waitFor(async () => {
      const e = await sessionEvents(nc, ns, 'fitting-3');
      return e.length ? e : null;
    }, 10_000).then((e) => e!);
    expect(events.map((e) => e.subject.replace(`${ns}.`, ''))).toEqual(['session.started']);
    expect(await sut.counter('vision_frames_total', 'outcome="undecodable"')).toBeGreaterThanOrEqual(
      garbageFrames().length,
    );
    expect(await sut.counter('vision_frames_total', 'outcome="bad-headers"')).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${sut.url}/healthz`)).ok).toBe(true);
  }, 30_000);
});

describe('session-vision (two replicas)', () => {
  const ns = uniqueName('vis');
  let nc: NatsConnection;
  let replicas: Replica[] = [];
  let redis: Redis;

  beforeAll(async () => {
    nc = await connectTestNats();
    redis = new Redis(testEnv.redisUrl(), { keyPrefix: `${ns}:` });
    replicas = await Promise.all([
      Replica.start(`${ns}-a`, await env(ns)),
      Replica.start(`${ns}-b`, await env(ns)),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    redis?.disconnect();
    await nc?.close();
    await deleteNamespaceStreams(ns);
    await flushRedis(`${ns}:`);
  }, 30_000);

  it('hands a mirror over when its replica dies mid-session, without a second session', async () => {
    const person = await personFrame('standing', 240, 400);
    const camera = new MirrorCamera(nc, ns, 'fitting-9');
    await camera.hold(person, 1500);
    const started = await waitFor(async () => (await sessionEvents(nc, ns, 'fitting-9'))[0], 10_000);
    const owner = await redis.get('vision:lease:fitting-9');
    const victim = replicas.find((r) => r.id === owner)!;
    const survivor = replicas.find((r) => r.id !== owner)!;
    expect(victim).toBeDefined();
    victim.kill();
    await camera.hold(person, 3000); // the lease expires; the survivor takes the mirror and its state
    expect(await redis.get('vision:lease:fitting-9')).toBe(survivor.id);
    await camera.hold(await emptyFrame(), ABSENCE_MS + 1500);
    const events = await waitFor(async () => {
      const e = await sessionEvents(nc, ns, 'fitting-9');
      return e.some((x) => x.subject.endsWith('session.ended')) ? e : null;
    }, 10_000).then((e) => e!);
    expect(events.map((e) => [e.subject.replace(`${ns}.`, ''), e.sessionId])).toEqual([
      ['session.started', started.sessionId],
      ['session.ended', started.sessionId],
    ]);
    // the survivor serves every partition now, the dead replica's included
    const status = (await (await fetch(`${survivor.url}/partitions`)).json()) as { partitions: number[] };
    expect(status.partitions).toHaveLength(FRAME_PARTITIONS);
  }, 40_000);
});
