import { ManualClock } from '@mirror/platform';
import { testLogger } from '@mirror/testing';
import type { NatsClient } from '@mirror/nats';
import { FrameRateAdvisor } from '../../src/sessions/frame-rate.advisor';
import type { MirrorStateRepository, StoredMirror } from '../../src/sessions/mirror-state.repository';
import { DEFAULT_PRESENCE_SETTINGS, type PresenceEvent } from '../../src/sessions/presence-state-machine';
import type { SessionEventsPublisher } from '../../src/sessions/session-events.publisher';
import { SessionService } from '../../src/sessions/session.service';
import type { VisionMetrics } from '../../src/shared/vision.metrics';

function setup() {
  const clock = new ManualClock(1_000_000);
  const saved: StoredMirror[] = [];
  const repository = {
    // what the last owner stored: the latest save (a take-over reads it)
    load: async () => structuredClone(saved.at(-1) ?? null),
    save: async (s: StoredMirror) => void saved.push(structuredClone(s)),
  };
  const published: string[] = [];
  let failing = false;
  const publisher = {
    publish: async (e: PresenceEvent) => {
      if (failing) throw new Error('no JetStream ack');
      published.push(e.type);
    },
  };
  const settings = {
    replicaId: 'r1',
    leaseMs: 3000,
    presence: { ...DEFAULT_PRESENCE_SETTINGS, absenceMs: 1000 },
    frameRate: { idleFps: 2, sessionFps: 10, refreshMs: 10_000 },
  };
  const advice: { subject: string; fps: number; reason: string }[] = [];
  const nats = {
    emit: (_c: unknown, subject: string, p: { fps: number; reason: string }) =>
      void advice.push({ subject, fps: p.fps, reason: p.reason }),
  };
  const sut = new SessionService(
    repository as unknown as MirrorStateRepository,
    publisher as unknown as SessionEventsPublisher,
    new FrameRateAdvisor(nats as unknown as NatsClient, clock, settings),
    clock,
    { session: () => undefined } as unknown as VisionMetrics,
    settings,
    testLogger(),
  );
  return { sut, clock, saved, published, advice, fail: (f: boolean) => (failing = f) };
}

describe(SessionService.name, () => {
  it('saves a transition with its event in the outbox before publishing it, then clears the outbox', async () => {
    const { sut, clock, saved, published } = setup();
    await sut.resume('m1');
    for (let i = 0; i < 3; i++) await sut.observe('m1', true, clock.now() + i * 100);
    expect(published).toEqual(['started']);
    const [withEvent, cleared] = saved.slice(-2);
    expect(withEvent.outbox.map((e) => e.type)).toEqual(['started']);
    expect(cleared.outbox).toEqual([]);
    expect(cleared.presence.session).not.toBeNull();
  });

  it('keeps an event it could not publish in the outbox and publishes it with the next frame', async () => {
    const { sut, clock, saved, published, fail } = setup();
    await sut.resume('m1');
    fail(true);
    for (let i = 0; i < 3; i++) await sut.observe('m1', true, clock.now() + i * 100);
    expect(saved.at(-1)!.outbox.map((e) => e.type)).toEqual(['started']);
    fail(false);
    await sut.observe('m1', true, clock.now() + 300);
    expect(published).toEqual(['started']);
    expect(saved.at(-1)!.outbox).toEqual([]);
  });

  it('does not count the time a mirror moved between replicas as absence (no second session)', async () => {
    const { sut, clock, published } = setup();
    await sut.resume('m1');
    for (let i = 0; i < 3; i++) await sut.observe('m1', true, clock.now());
    sut.forget('m1'); // its replica died; another takes it over 2.5 s later (absence is 1 s)
    clock.advance(2500);
    await sut.resume('m1');
    expect((await sut.expireIfDue('m1')).events).toEqual([]);
    const arrivedBefore = clock.now() - 10; // a frame that waited while the mirror was taken over
    const change = await sut.observe('m1', true, arrivedBefore);
    expect(change.events).toEqual([]);
    expect(change.session).not.toBeNull();
    expect(published).toEqual(['started']);
    // nobody there after the take-over: ends one absence later, counted from it
    clock.advance(999);
    expect((await sut.expireIfDue('m1')).events).toEqual([]);
    clock.advance(1);
    expect((await sut.expireIfDue('m1')).events.map((e) => e.type)).toEqual(['ended']);
  });

  it('ends at once a session whose frames had stopped long before it was taken over (nothing ran meanwhile)', async () => {
    const { sut, clock, published } = setup();
    await sut.resume('m1');
    for (let i = 0; i < 3; i++) await sut.observe('m1', true, clock.now());
    sut.forget('m1');
    clock.advance(DEFAULT_PRESENCE_SETTINGS.framesStoppedMs + 60_000); // e.g. the demo stopped an hour ago
    await sut.resume('m1');
    const { events } = await sut.expireIfDue('m1');
    expect(events).toEqual([expect.objectContaining({ type: 'ended', reason: 'frames-stopped' })]);
    expect(published).toEqual(['started', 'ended']);
  });

  it('ends a session nobody is in front of any more, and then lets an idle, silent mirror go', async () => {
    const { sut, clock, published } = setup();
    await sut.resume('m1');
    for (let i = 0; i < 3; i++) await sut.observe('m1', true, clock.now());
    clock.advance(1000);
    const { session, events } = await sut.expireIfDue('m1');
    expect([session, events.map((e) => e.type)]).toEqual([null, ['ended']]);
    expect(published).toEqual(['started', 'ended']);
    expect(sut.isIdle('m1')).toBe(false); // frames stopped only 1 s ago
    clock.advance(DEFAULT_PRESENCE_SETTINGS.framesStoppedMs);
    expect(sut.isIdle('m1')).toBe(true);
  });

  it('asks the mirror for few frames while nobody is there and more during a session, and repeats it now and then', async () => {
    const { sut, clock, advice } = setup();
    await sut.resume('m1');
    await sut.observe('m1', false, clock.now());
    expect(advice).toEqual([{ subject: 'mirror.m1.control', fps: 2, reason: 'idle' }]);
    await sut.observe('m1', false, clock.now() + 100);
    expect(advice).toHaveLength(1); // unchanged and recent: not repeated
    for (let i = 0; i < 3; i++) await sut.observe('m1', true, clock.now() + 200 + i * 100);
    expect(advice.at(-1)).toEqual({ subject: 'mirror.m1.control', fps: 10, reason: 'session' });
    const count = advice.length;
    clock.advance(11_000);
    await sut.observe('m1', true, clock.now());
    expect(advice).toHaveLength(count + 1); // repeated for a mirror that may have restarted
    clock.advance(2_000);
    await sut.expireIfDue('m1');
    expect(advice.at(-1)).toEqual({ subject: 'mirror.m1.control', fps: 2, reason: 'idle' });
  });
});
