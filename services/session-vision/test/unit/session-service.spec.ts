import { ManualClock } from '@mirror/platform';
import { testLogger } from '@mirror/testing';
import type { MirrorStateRepository, StoredMirror } from '../../src/sessions/mirror-state.repository';
import { DEFAULT_PRESENCE_SETTINGS, type PresenceEvent } from '../../src/sessions/presence-state-machine';
import type { SessionEventsPublisher } from '../../src/sessions/session-events.publisher';
import { SessionService } from '../../src/sessions/session.service';
import type { VisionMetrics } from '../../src/shared/vision.metrics';

function setup() {
  const clock = new ManualClock(1_000_000);
  const saved: StoredMirror[] = [];
  const repository = {
    load: async () => null,
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
  const sut = new SessionService(
    repository as unknown as MirrorStateRepository,
    publisher as unknown as SessionEventsPublisher,
    clock,
    { session: () => undefined } as unknown as VisionMetrics,
    { replicaId: 'r1', leaseMs: 3000, presence: { ...DEFAULT_PRESENCE_SETTINGS, absenceMs: 1000 } },
    testLogger(),
  );
  return { sut, clock, saved, published, fail: (f: boolean) => (failing = f) };
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
});
