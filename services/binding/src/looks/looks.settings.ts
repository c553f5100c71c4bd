import type { AppConfig } from '../config';
import type { LooksRules } from './looks-state';

export const LOOKS_SETTINGS = Symbol('LOOKS_SETTINGS');

/** The looks' rules and what the mirror's state may wait for. */
export interface LooksSettings extends LooksRules {
  /** How long a state message after a gesture waits for photo-store's signed URLs of the looks. */
  urlTimeoutMs: number;
  /** …and after a new look was stored (nobody is waiting for a gesture; its URLs are new). */
  newLookUrlTimeoutMs: number;
  /** A mirror's state is forgotten this long after its last change. */
  stateTtlMs: number;
  /** The state of each mirror with a session on screen is sent again this often. */
  refreshMs: number;
}

/** The looks part of the environment. */
export function looksSettings(
  config: Pick<
    AppConfig,
    | 'LOOKS_COUNTDOWN_SECONDS'
    | 'LOOKS_PHOTO_WAIT_MS'
    | 'LOOKS_URL_TIMEOUT_MS'
    | 'LOOKS_REFRESH_MS'
    | 'PHOTO_URL_TIMEOUT_MS'
  >,
): LooksSettings {
  return {
    countdownSeconds: config.LOOKS_COUNTDOWN_SECONDS,
    photoWaitMs: config.LOOKS_PHOTO_WAIT_MS,
    urlTimeoutMs: config.LOOKS_URL_TIMEOUT_MS,
    newLookUrlTimeoutMs: config.PHOTO_URL_TIMEOUT_MS,
    stateTtlMs: 24 * 3600 * 1000,
    refreshMs: config.LOOKS_REFRESH_MS,
  };
}
