import type { AppConfig } from '../config';

export const PUSH_SETTINGS = Symbol('PUSH_SETTINGS');

/** When photos taken after the scan are announced. */
export interface PushSettings {
  /** A burst is announced once no photo has come for this long. */
  debounceMs: number;
  /** …or once its first photo has waited this long, however busy the mirror. */
  maxWaitMs: number;
  /** How often each replica looks for bursts to announce. */
  intervalMs: number;
}

/** The push part of the environment. */
export function pushSettings(
  config: Pick<AppConfig, 'PHOTO_PUSH_DEBOUNCE_SECONDS' | 'PHOTO_PUSH_INTERVAL_MS'>,
): PushSettings {
  return {
    debounceMs: config.PHOTO_PUSH_DEBOUNCE_SECONDS * 1000,
    maxWaitMs: config.PHOTO_PUSH_DEBOUNCE_SECONDS * 6000,
    intervalMs: config.PHOTO_PUSH_INTERVAL_MS,
  };
}
