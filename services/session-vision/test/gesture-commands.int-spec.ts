import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/transport-node';
import {
  connectTestNats,
  deleteNamespaceStreams,
  serviceNatsEnv,
  testEnv,
  uniqueName,
  waitFor,
} from '@mirror/testing';
import { personFrame } from './support/frames';
import { MirrorCamera } from './support/mirror-camera';
import { Replica } from './support/replica';
import { flushRedis, sessionEvents } from './support/session-events';

/**
 * Gestures become commands: a swipe seen in real frames (a shipped photo moved across the frame, as the
 * swipe test does) is published as the durable event `gesture.recognised`, named once by its command id
 * (also the JetStream msgID), for binding's looks to act on. Lean: one replica, one worker, one sweep each way.
 */
describe('session-vision: gesture commands', () => {
  const ns = uniqueName('vgc');
  const mirrorId = 'looks-cmd-1';
  let nc: NatsConnection;
  let sut: Replica;

  beforeAll(async () => {
    nc = await connectTestNats();
    sut = await Replica.start(`${ns}-a`, {
      NATS_URL: testEnv.natsUrl(),
      NATS_NAMESPACE: ns,
      ...(await serviceNatsEnv('session-vision', ns)),
      REDIS_URL: testEnv.redisUrl(),
      REDIS_KEY_PREFIX: `${ns}:`,
      SESSION_ABSENCE_MS: '1500',
      SESSION_FRAMES_STOPPED_MS: '4000',
      FRAME_MAX_AGE_MS: '10000',
      MIRROR_LEASE_MS: '1000',
      PARTITION_LEASE_MS: '1500',
      SWEEP_INTERVAL_MS: '200',
      GESTURE_REFRACTORY_MS: '1000',
      SWIPE_MAX_DURATION_MS: '3000',
      VISION_WORKERS: '1',
    });
  }, 90_000);

  afterAll(async () => {
    await sut?.stop();
    await nc?.close();
    await deleteNamespaceStreams(ns);
    await flushRedis(`${ns}:`);
  }, 30_000);

  it('publishes each swipe of a session as gesture.recognised, once, with its command id as msgID', async () => {
    const camera = new MirrorCamera(nc, ns, mirrorId);
    const at = (x: number) => personFrame('diner', x, 360);
    const right = await Promise.all([0, 45, 90, 135, 180, 225, 270].map(at));
    await waitFor(async () => {
      await camera.hold(right[0], 300);
      return (await sessionEvents(nc, ns, mirrorId)).some((e) => e.subject.endsWith('session.started'));
    }, 15_000);
    await camera.hold(right[0], 1000);
    for (const frame of right) await camera.hold(frame, 300);
    await camera.hold(right[right.length - 1], 1500);
    for (const frame of [...right].reverse()) await camera.hold(frame, 300);
    await camera.hold(right[0], 800);

    const commands = await waitFor(async () => {
      const events = (await sessionEvents(nc, ns, mirrorId)).filter((e) =>
        e.subject.endsWith('gesture.recognised'),
      );
      return events.length >= 2 ? events : null;
    }, 15_000);
    const started = (await sessionEvents(nc, ns, mirrorId)).find((e) =>
      e.subject.endsWith('session.started'),
    )!;
    const payloads = commands.map(
      (e) => e as unknown as { commandId: string; gesture: string; sessionId: string },
    );
    expect(payloads.map((p) => p.gesture)).toEqual(['swipe_right', 'swipe_left']);
    for (const p of payloads) {
      expect(p.sessionId).toBe(started.sessionId);
      expect(p.commandId).toMatch(new RegExp(`^${started.sessionId}-\\d+$`));
    }
    const jsm = await jetstreamManager(nc);
    const last = await jsm.streams.getMessage(`${ns}_SESSIONS`, { last_by_subj: `${ns}.gesture.recognised` });
    expect(last?.header.get('Nats-Msg-Id')).toBe(payloads[1].commandId);
  }, 60_000);
});
