/**
 * Per-mirror presence with hysteresis, as pure functions over a plain (JSON-serialisable) state so it
 * can live in Redis and be picked up by a restarted or another replica.
 */
export interface PresenceSettings {
  /** A session starts when a person is present in `startK` of the last `windowN` analysed frames. */
  startK: number;
  windowN: number;
  /** While in session, a present frame keeps the session alive only if `stayK` of the window are present. */
  stayK: number;
  /** The session ends after this long without presence. */
  absenceMs: number;
  /** The session ends when no frame arrived for this long (camera off, mirror unplugged). */
  framesStoppedMs: number;
}

export const DEFAULT_PRESENCE_SETTINGS: PresenceSettings = {
  startK: 3,
  windowN: 5,
  stayK: 2,
  absenceMs: 12_000,
  framesStoppedMs: 20_000,
};

export interface MirrorPresence {
  mirrorId: string;
  /** Presence of the last analysed frames, oldest first (at most windowN). */
  window: boolean[];
  session: { sessionId: string; startedAt: number } | null;
  lastPresentAt: number | null;
  lastFrameAt: number | null;
}

export type EndReason = 'absent' | 'frames-stopped';
export type PresenceEvent =
  | { type: 'started'; mirrorId: string; sessionId: string; at: number }
  | { type: 'ended'; mirrorId: string; sessionId: string; at: number; reason: EndReason };

export interface Transition {
  state: MirrorPresence;
  events: PresenceEvent[];
}

export function initialPresence(mirrorId: string): MirrorPresence {
  return { mirrorId, window: [], session: null, lastPresentAt: null, lastFrameAt: null };
}

/** Ends the session if it has timed out at `now`; otherwise returns the state unchanged. */
export function expire(state: MirrorPresence, now: number, settings: PresenceSettings): Transition {
  const { session } = state;
  if (!session) return { state, events: [] };
  let reason: EndReason | null = null;
  let at = now;
  if (state.lastFrameAt !== null && now - state.lastFrameAt >= settings.framesStoppedMs) {
    reason = 'frames-stopped';
    at = state.lastFrameAt + settings.framesStoppedMs;
  } else if (now - (state.lastPresentAt ?? session.startedAt) >= settings.absenceMs) {
    reason = 'absent';
    at = (state.lastPresentAt ?? session.startedAt) + settings.absenceMs;
  }
  if (!reason) return { state, events: [] };
  return {
    state: { ...state, window: [], session: null },
    events: [{ type: 'ended', mirrorId: state.mirrorId, sessionId: session.sessionId, at, reason }],
  };
}

/** Feeds one analysed frame (present or not, captured at `at`). */
export function observe(
  state: MirrorPresence,
  present: boolean,
  at: number,
  settings: PresenceSettings,
  newSessionId: () => string,
): Transition {
  // A frame from before the last one (reordered delivery) says nothing new.
  if (state.lastFrameAt !== null && at < state.lastFrameAt) return { state, events: [] };
  const expired = expire(state, at, settings);
  const events = [...expired.events];
  const window = [...expired.state.window, present].slice(-settings.windowN);
  const presentCount = window.filter(Boolean).length;
  let next: MirrorPresence = { ...expired.state, window, lastFrameAt: at };
  if (next.session) {
    if (present && presentCount >= settings.stayK) next.lastPresentAt = at;
  } else if (presentCount >= settings.startK) {
    const sessionId = newSessionId();
    next = { ...next, session: { sessionId, startedAt: at }, lastPresentAt: at };
    events.push({ type: 'started', mirrorId: state.mirrorId, sessionId, at });
  }
  return { state: next, events };
}
