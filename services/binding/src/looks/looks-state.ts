import type { Gesture, LookFeedback } from '@mirror/contracts';

/**
 * The mirror's screen during a session, as binding keeps it in Redis (one key per mirror): which look is
 * shown, compare, pause, the countdown, details. The looks themselves and their favourites live in Postgres
 * with the photos; every rule here is a pure function of this state, the session's looks and the time.
 */
export interface MirrorLooks {
  /** The newest session seen on this mirror (open or ended): older sessions' commands are ignored. */
  sessionId: string | null;
  open: boolean;
  version: number;
  /** The look shown (photo id); null: the newest, once there is one. */
  current: string | null;
  compare: 'live' | 'favourite' | null;
  paused: boolean;
  countdown: { photoId: string; endsAt: number } | null;
  details: boolean;
  feedback: LookFeedback | null;
  cause: { commandId: string; gesture: Gesture; at: string } | null;
  /** The last commands applied: a redelivered command changes nothing. */
  recent: string[];
}

/** One look as Postgres has it. */
export interface StoredLook {
  photoId: string;
  takenAt: Date;
  favourite: boolean;
  favouritedAt: Date | null;
}

export interface LooksRules {
  countdownSeconds: number;
  /** A countdown whose photo has not arrived this long after it ended is over: thumbs-up works again. */
  photoWaitMs: number;
}

/** What a command asks of the world besides the new state. */
export type LookEffect =
  | { kind: 'take-photo'; photoId: string; shootAt: number }
  | { kind: 'favourite'; photoId: string; favourite: boolean };

export interface Decision {
  state: MirrorLooks;
  effects: LookEffect[];
  /** False when nothing changed (a duplicate, another session's command): nothing to save or send. */
  changed: boolean;
}

export interface GestureCommand {
  commandId: string;
  sessionId: string;
  gesture: Gesture;
  /** Capture time of the frame (ISO). */
  at: string;
}

const RECENT_COMMANDS = 32;

export function emptyLooks(): MirrorLooks {
  return {
    sessionId: null,
    open: false,
    version: 0,
    current: null,
    compare: null,
    paused: false,
    countdown: null,
    details: false,
    feedback: null,
    cause: null,
    recent: [],
  };
}

/** Session ids are ULIDs: a larger one started later. */
const newer = (a: string, b: string | null) => b === null || a > b;

/** A session started: the screen starts over for it, unless a newer one is already showing. */
export function startSession(state: MirrorLooks, sessionId: string): Decision {
  if (sessionId === state.sessionId || !newer(sessionId, state.sessionId)) return unchanged(state);
  return changed({ ...emptyLooks(), sessionId, open: true, version: state.version + 1 });
}

/** The session ended: the idle screen (a later session's state is left alone). */
export function endSession(state: MirrorLooks, sessionId: string): Decision {
  if (sessionId !== state.sessionId || !state.open) return unchanged(state);
  return changed({ ...emptyLooks(), sessionId, open: false, version: state.version + 1 });
}

/** The countdown still running (or its photo still awaited) at `now`. */
export function activeCountdown(state: MirrorLooks, now: number, rules: LooksRules) {
  return state.countdown && now < state.countdown.endsAt + rules.photoWaitMs ? state.countdown : null;
}

/** A photo of the session was stored: it becomes the look on screen; the countdown that asked for it ends. */
export function photoStored(state: MirrorLooks, sessionId: string, photoId: string): Decision {
  if (sessionId !== state.sessionId || !state.open) return unchanged(state);
  return changed({
    ...state,
    version: state.version + 1,
    current: photoId,
    countdown: state.countdown?.photoId === photoId ? null : state.countdown,
    feedback: 'photo-taken',
    cause: null,
  });
}

/**
 * A gesture during the session. `looks` are the session's looks in order; `photoId` names the photo a
 * thumbs-up would take (derived from the command, so a redelivery asks for the same photo).
 */
export function applyGesture(
  state: MirrorLooks,
  command: GestureCommand,
  looks: StoredLook[],
  now: number,
  rules: LooksRules,
  photoId: string,
): Decision {
  let base = state;
  if (command.sessionId !== state.sessionId) {
    // the gesture outran its session.started: the newer session begins here
    if (!newer(command.sessionId, state.sessionId)) return unchanged(state);
    base = startSession(state, command.sessionId).state;
  } else if (!state.open) {
    return unchanged(state);
  }
  if (base.recent.includes(command.commandId)) return unchanged(state);
  const next: MirrorLooks = {
    ...base,
    version: base.version + 1,
    countdown: activeCountdown(base, now, rules),
    cause: { commandId: command.commandId, gesture: command.gesture, at: command.at },
    recent: [...base.recent, command.commandId].slice(-RECENT_COMMANDS),
  };
  const effects: LookEffect[] = [];
  const shown = currentLook(next, looks);
  const feedback = (f: LookFeedback) => void (next.feedback = f);

  if (next.paused && command.gesture !== 'open_palm') {
    feedback('ignored-paused');
    return { state: next, effects, changed: true };
  }
  switch (command.gesture) {
    case 'open_palm':
      next.paused = !next.paused;
      feedback(next.paused ? 'paused' : 'resumed');
      break;
    case 'thumbs_up':
      if (next.countdown) {
        feedback('busy');
        break;
      }
      next.countdown = { photoId, endsAt: now + rules.countdownSeconds * 1000 };
      next.compare = null;
      next.details = false;
      effects.push({ kind: 'take-photo', photoId, shootAt: next.countdown.endsAt });
      feedback('countdown');
      break;
    case 'swipe_left':
    case 'swipe_right': {
      if (!shown) {
        feedback('no-looks');
        break;
      }
      // 左挥：下一套 / 右挥：上一套
      const step = command.gesture === 'swipe_left' ? 1 : -1;
      const i = looks.findIndex((l) => l.photoId === shown.photoId) + step;
      if (i < 0 || i >= looks.length) {
        next.current = shown.photoId;
        feedback(i < 0 ? 'first-look' : 'last-look');
      } else {
        next.current = looks[i].photoId;
        feedback('browsed');
      }
      break;
    }
    case 'fist':
      if (next.compare) {
        next.compare = null;
        feedback('compare-off');
      } else if (looks.length < 2 || !shown) {
        feedback('need-two-looks');
      } else {
        next.current = shown.photoId;
        next.compare = favouriteBeside(shown.photoId, looks) ? 'favourite' : 'live';
        feedback('compare-on');
      }
      break;
    case 'victory':
      if (!shown) {
        feedback('no-looks');
        break;
      }
      next.current = shown.photoId;
      effects.push({ kind: 'favourite', photoId: shown.photoId, favourite: !shown.favourite });
      feedback(shown.favourite ? 'unfavourited' : 'favourited');
      break;
    case 'pointing_up':
      if (!shown) {
        feedback('no-looks');
        break;
      }
      next.current = shown.photoId;
      next.details = !next.details;
      feedback(next.details ? 'details-on' : 'details-off');
      break;
  }
  return { state: next, effects, changed: true };
}

/** The look on screen: the chosen one, else the newest. */
export function currentLook(state: MirrorLooks, looks: StoredLook[]): StoredLook | null {
  return looks.find((l) => l.photoId === state.current) ?? looks.at(-1) ?? null;
}

/** The favourite to compare a look with: the latest favourited other look. */
export function favouriteBeside(photoId: string, looks: StoredLook[]): StoredLook | null {
  let best: StoredLook | null = null;
  for (const l of looks) {
    if (!l.favourite || l.photoId === photoId) continue;
    if (!best || (l.favouritedAt?.getTime() ?? 0) > (best.favouritedAt?.getTime() ?? 0)) best = l;
  }
  return best;
}

/** The photo id a thumbs-up command asks for: the same command always names the same photo. */
export function photoIdFor(commandId: string): string {
  return `look-${commandId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 128);
}

function unchanged(state: MirrorLooks): Decision {
  return { state, effects: [], changed: false };
}

function changed(state: MirrorLooks): Decision {
  return { state, effects: [], changed: true };
}
