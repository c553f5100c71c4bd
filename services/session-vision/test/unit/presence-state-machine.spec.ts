import {
  DEFAULT_PRESENCE_SETTINGS,
  type MirrorPresence,
  type PresenceEvent,
  expire,
  initialPresence,
  observe,
} from '../../src/sessions/presence-state-machine';

const settings = { ...DEFAULT_PRESENCE_SETTINGS, absenceMs: 1000, framesStoppedMs: 3000 };

function feed(start: MirrorPresence, frames: boolean[], t0 = 0, step = 100) {
  let state = start;
  const events: PresenceEvent[] = [];
  let n = 0;
  frames.forEach((present, i) => {
    const t = observe(state, present, t0 + i * step, settings, () => `S${++n}`);
    state = t.state;
    events.push(...t.events);
  });
  return { state, events };
}

describe('presence state machine', () => {
  it('starts a session when a person is present in 3 of the last 5 frames', () => {
    const { events } = feed(initialPresence('m1'), [false, true, false, true, true]);
    expect(events).toEqual([{ type: 'started', mirrorId: 'm1', sessionId: 'S1', at: 400 }]);
  });

  it('does not start on 2 of 5', () => {
    expect(feed(initialPresence('m1'), [true, false, false, true, false, false, false]).events).toEqual([]);
  });

  it('ends after the absence timeout, once', () => {
    const present = Array<boolean>(5).fill(true);
    const absent = Array<boolean>(20).fill(false);
    const { events, state } = feed(initialPresence('m1'), [...present, ...absent]);
    expect(events.map((e) => e.type)).toEqual(['started', 'ended']);
    expect(events[1]).toMatchObject({ reason: 'absent', at: 400 + 1000 });
    expect(state.session).toBeNull();
  });

  it('keeps the session while the person stays, even with missed detections', () => {
    const frames = Array.from({ length: 60 }, (_, i) => i % 4 !== 0);
    const { events } = feed(initialPresence('m1'), frames);
    expect(events.map((e) => e.type)).toEqual(['started']);
  });

  it('does not let a single spurious detection extend an absence', () => {
    const frames = [
      ...Array<boolean>(5).fill(true),
      ...Array<boolean>(6).fill(false),
      true,
      ...Array<boolean>(6).fill(false),
    ];
    const { events } = feed(initialPresence('m1'), frames);
    expect(events.map((e) => e.type)).toEqual(['started', 'ended']);
    expect(events[1].at).toBe(400 + 1000);
  });

  it('ends with frames-stopped when no frame arrives', () => {
    const { state } = feed(initialPresence('m1'), Array<boolean>(5).fill(true));
    // Still present at the last frame, then silence: absence would fire first, so make it longer.
    const long = { ...settings, absenceMs: 10_000 };
    expect(expire(state, 400 + 2999, long).events).toEqual([]);
    expect(expire(state, 400 + 3000, long).events).toEqual([
      { type: 'ended', mirrorId: 'm1', sessionId: 'S1', at: 3400, reason: 'frames-stopped' },
    ]);
  });

  it('continues the same session from a serialised state (restart, other replica)', () => {
    const first = feed(initialPresence('m1'), Array<boolean>(5).fill(true));
    const restored = JSON.parse(JSON.stringify(first.state)) as MirrorPresence;
    const later = feed(restored, Array<boolean>(5).fill(true), 500);
    expect(later.events).toEqual([]);
    expect(later.state.session?.sessionId).toBe('S1');
  });

  it('ignores a frame older than the last one', () => {
    const { state } = feed(initialPresence('m1'), [true, true]);
    expect(observe(state, true, 50, settings, () => 'X')).toEqual({ state, events: [] });
  });
});
