import type { AppConfig } from '../config';
import type { LooksRules } from './looks-state';

export const LOOKS_SETTINGS = Symbol('LOOKS_SETTINGS');

/** The looks' rules and what the mirror's state may wait for. */
export interface LooksSettings extends LooksRules {
  /** How long one state message waits for photo-store's signed URLs of the looks. */
  urlTimeoutMs: number;
  /** A mirror's state is forgotten this long after its last change. */
  stateTtlMs: number;
}

/** The looks part of the environment. */
export function looksSettings(
  config: Pick<AppConfig, 'LOOKS_COUNTDOWN_SECONDS' | 'LOOKS_PHOTO_WAIT_MS' | 'LOOKS_URL_TIMEOUT_MS'>,
): LooksSettings {
  return {
    countdownSeconds: config.LOOKS_COUNTDOWN_SECONDS,
    photoWaitMs: config.LOOKS_PHOTO_WAIT_MS,
    urlTimeoutMs: config.LOOKS_URL_TIMEOUT_MS,
    stateTtlMs: 24 * 3600 * 1000,
  };
}
