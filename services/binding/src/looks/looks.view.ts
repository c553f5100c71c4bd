import type { LooksState } from '@mirror/contracts';
import type { SessionLook } from '../photos/favourite.repository';
import {
  activeCountdown,
  currentLook,
  favouriteBeside,
  type LooksRules,
  type MirrorLooks,
} from './looks-state';

export interface LookUrls {
  thumbUrl?: string;
  displayUrl?: string;
}

/**
 * The state message for the screen: the kept state plus what Postgres knows (the looks, their favourites,
 * the products scanned) and photo-store's URLs. The compare partner and the countdown are worked out here,
 * at sending time, so the screen never has to apply a rule.
 */
export function viewOf(input: {
  mirrorId: string;
  state: MirrorLooks;
  looks: SessionLook[];
  urls: Map<string, LookUrls>;
  products: { code: string; at: Date }[];
  now: number;
  rules: LooksRules;
}): LooksState {
  const { state, looks, now, rules } = input;
  const open = state.open && state.sessionId !== null;
  const shown = open ? currentLook(state, looks) : null;
  const favourite = shown ? favouriteBeside(shown.photoId, looks) : null;
  const countdown = open ? activeCountdown(state, now, rules) : null;
  return {
    v: 1,
    mirrorId: input.mirrorId,
    sessionId: open ? state.sessionId : null,
    version: state.version,
    at: new Date(now).toISOString(),
    looks: open
      ? looks.map((l) => ({
          photoId: l.photoId,
          takenAt: l.takenAt.toISOString(),
          favourite: l.favourite,
          ...input.urls.get(l.photoId),
        }))
      : [],
    current: shown?.photoId ?? null,
    compare:
      state.compare && shown && looks.length >= 2
        ? favourite && state.compare === 'favourite'
          ? { left: shown.photoId, with: 'favourite', right: favourite.photoId }
          : { left: shown.photoId, with: 'live', right: null }
        : null,
    paused: open && state.paused,
    countdown: countdown
      ? {
          photoId: countdown.photoId,
          endsAt: new Date(countdown.endsAt).toISOString(),
          seconds: rules.countdownSeconds,
        }
      : null,
    details:
      state.details && shown
        ? {
            photoId: shown.photoId,
            takenAt: shown.takenAt.toISOString(),
            products: input.products.map((p) => ({ code: p.code.slice(0, 128), at: p.at.toISOString() })),
          }
        : null,
    feedback: open ? state.feedback : null,
    cause: open ? state.cause : null,
  };
}
