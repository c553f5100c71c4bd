import type { Gesture } from '@mirror/contracts';
import { ulid } from 'ulid';
import {
  applyGesture,
  emptyLooks,
  endSession,
  photoIdFor,
  photoStored,
  startSession,
  type MirrorLooks,
  type StoredLook,
} from '../../src/looks/looks-state';
import { viewOf } from '../../src/looks/looks.view';

const rules = { countdownSeconds: 3, photoWaitMs: 10_000 };
const T0 = Date.parse('2026-11-29T10:00:00Z');

/** A session on screen with these looks (ids l1, l2, …), the newest shown. */
function world(count = 0, favourites: number[] = []) {
  const sessionId = ulid(T0);
  const looks: StoredLook[] = Array.from({ length: count }, (_, i) => ({
    photoId: `l${i + 1}`,
    takenAt: new Date(T0 + i * 60_000),
    favourite: favourites.includes(i + 1),
    favouritedAt: favourites.includes(i + 1) ? new Date(T0 + i * 60_000 + 1000) : null,
  }));
  return { sessionId, looks, state: startSession(emptyLooks(), sessionId).state };
}

let n = 0;
function gesture(state: MirrorLooks, sessionId: string, g: Gesture, looks: StoredLook[], now = T0) {
  const commandId = `${sessionId}-${T0 + ++n}`;
  return applyGesture(
    state,
    { commandId, sessionId, gesture: g, at: new Date(now).toISOString() },
    looks,
    now,
    rules,
    photoIdFor(commandId),
  );
}

describe('looks state', () => {
  it('counts down on thumbs_up and asks the mirror for a photo at the end, once', () => {
    const { sessionId, state } = world();
    const sut = gesture(state, sessionId, 'thumbs_up', [], T0);
    expect(sut.state.countdown).toEqual({ photoId: expect.stringMatching(/^look-/), endsAt: T0 + 3000 });
    expect(sut.effects).toEqual([
      { kind: 'take-photo', photoId: sut.state.countdown!.photoId, shootAt: T0 + 3000 },
    ]);
    expect(sut.state.feedback).toBe('countdown');
    const again = gesture(sut.state, sessionId, 'thumbs_up', [], T0 + 1000);
    expect(again.effects).toEqual([]);
    expect(again.state.feedback).toBe('busy');
    expect(again.state.countdown).toEqual(sut.state.countdown);
  });

  it('ends the countdown when its photo is stored and shows the new look', () => {
    const { sessionId, state } = world();
    const counting = gesture(state, sessionId, 'thumbs_up', [], T0).state;
    const sut = photoStored(counting, sessionId, counting.countdown!.photoId);
    expect(sut.state.countdown).toBeNull();
    expect(sut.state.current).toBe(counting.countdown!.photoId);
    expect(sut.state.version).toBe(counting.version + 1);
  });

  it('gives up a countdown whose photo never came, so thumbs_up works again', () => {
    const { sessionId, state } = world();
    const counting = gesture(state, sessionId, 'thumbs_up', [], T0).state;
    const sut = gesture(counting, sessionId, 'thumbs_up', [], T0 + 3000 + rules.photoWaitMs);
    expect(sut.effects).toHaveLength(1);
    expect(sut.state.feedback).toBe('countdown');
  });

  it('browses: swipe_left is the next look, swipe_right the previous, stopping at the ends', () => {
    const { sessionId, looks, state } = world(3);
    const back = gesture(state, sessionId, 'swipe_right', looks).state;
    expect(back.current).toBe('l2');
    expect(gesture(back, sessionId, 'swipe_left', looks).state.current).toBe('l3');
    const last = gesture(state, sessionId, 'swipe_left', looks).state;
    expect([last.current, last.feedback]).toEqual(['l3', 'last-look']);
    const first = gesture({ ...state, current: 'l1' }, sessionId, 'swipe_right', looks).state;
    expect([first.current, first.feedback]).toEqual(['l1', 'first-look']);
  });

  it('favourites and unfavourites the look on screen by setting, not toggling, the value', () => {
    const { sessionId, looks, state } = world(3, [3]);
    const on = gesture({ ...state, current: 'l2' }, sessionId, 'victory', looks);
    expect(on.effects).toEqual([{ kind: 'favourite', photoId: 'l2', favourite: true }]);
    expect(on.state.feedback).toBe('favourited');
    const off = gesture(state, sessionId, 'victory', looks);
    expect(off.effects).toEqual([{ kind: 'favourite', photoId: 'l3', favourite: false }]);
    expect(off.state.feedback).toBe('unfavourited');
  });

  it('compares with two or more looks: with the favourite when there is another, else with the live view', () => {
    const one = world(1);
    expect(gesture(one.state, one.sessionId, 'fist', one.looks).state).toMatchObject({
      compare: null,
      feedback: 'need-two-looks',
    });
    const { sessionId, looks, state } = world(3, [1]);
    const sut = gesture({ ...state, current: 'l2' }, sessionId, 'fist', looks).state;
    expect(sut.compare).toBe('favourite');
    expect(view(sut, looks).compare).toEqual({ left: 'l2', with: 'favourite', right: 'l1' });
    const plain = world(2);
    const live = gesture(plain.state, plain.sessionId, 'fist', plain.looks).state;
    expect(view(live, plain.looks).compare).toEqual({ left: 'l2', with: 'live', right: null });
    expect(gesture(sut, sessionId, 'fist', looks).state.compare).toBeNull();
  });

  it('pauses on open_palm: every other command is ignored until the next open_palm', () => {
    const { sessionId, looks, state } = world(2);
    const paused = gesture(state, sessionId, 'open_palm', looks).state;
    expect(paused.paused).toBe(true);
    const blocked = gesture(paused, sessionId, 'thumbs_up', looks);
    expect(blocked.effects).toEqual([]);
    expect(blocked.state).toMatchObject({ countdown: null, feedback: 'ignored-paused', paused: true });
    const resumed = gesture(blocked.state, sessionId, 'open_palm', looks).state;
    expect([resumed.paused, resumed.feedback]).toEqual([false, 'resumed']);
    expect(gesture(resumed, sessionId, 'thumbs_up', looks).effects).toHaveLength(1);
  });

  it('shows details of the look on screen on pointing_up, with the products scanned', () => {
    const { sessionId, looks, state } = world(2);
    const sut = gesture(state, sessionId, 'pointing_up', looks).state;
    expect(sut.details).toBe(true);
    const products = [{ code: '6901234567892', at: new Date(T0) }];
    expect(view(sut, looks, products).details).toEqual({
      photoId: 'l2',
      takenAt: looks[1].takenAt.toISOString(),
      products: [{ code: '6901234567892', at: new Date(T0).toISOString() }],
    });
  });

  it('applies a command once: its redelivery changes nothing', () => {
    const { sessionId, looks, state } = world(2);
    const command = {
      commandId: `${sessionId}-1`,
      sessionId,
      gesture: 'victory' as const,
      at: new Date(T0).toISOString(),
    };
    const first = applyGesture(state, command, looks, T0, rules, photoIdFor(command.commandId));
    const again = applyGesture(first.state, command, looks, T0, rules, photoIdFor(command.commandId));
    expect(again.changed).toBe(false);
    expect(again.effects).toEqual([]);
  });

  it("ignores an ended or older session's commands, and starts a newer session its gesture names", () => {
    const { sessionId, looks, state } = world(2);
    const ended = endSession(state, sessionId).state;
    expect(gesture(ended, sessionId, 'victory', looks).changed).toBe(false);
    expect(view(ended, looks)).toMatchObject({ sessionId: null, looks: [], current: null });
    const newer = ulid(T0 + 60_000);
    const sut = gesture(state, newer, 'open_palm', []);
    expect(sut.state).toMatchObject({ sessionId: newer, open: true, paused: true });
    expect(gesture(sut.state, sessionId, 'open_palm', looks).changed).toBe(false);
    expect(startSession(sut.state, sessionId).changed).toBe(false);
  });

  it('names the photo of a command the same way every time', () => {
    expect(photoIdFor('01JDAAAAAAAAAAAAAAAAAAAAAA-1732874400123')).toBe(
      'look-01JDAAAAAAAAAAAAAAAAAAAAAA-1732874400123',
    );
    expect(photoIdFor('a.b')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

function view(state: MirrorLooks, looks: StoredLook[], products: { code: string; at: Date }[] = []) {
  return viewOf({ mirrorId: 'm-1', state, looks, urls: new Map(), products, now: T0, rules });
}
