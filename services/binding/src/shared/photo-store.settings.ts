import type { AppConfig } from '../config';

export const PHOTO_STORE_SETTINGS = Symbol('PHOTO_STORE_SETTINGS');

/** How binding talks to photo-store. */
export interface PhotoStoreSettings {
  /** Lifetime of the signed URLs binding asks for (gallery, news picture). */
  urlTtlSeconds: number;
  /** How long the gallery and deletions wait for photo-store (the scan reply passes a shorter wait). */
  timeoutMs: number;
}

/** The photo-store part of the environment. */
export function photoStoreSettings(
  config: Pick<AppConfig, 'PHOTO_URL_TTL_SECONDS' | 'PHOTO_STORE_TIMEOUT_MS'>,
): PhotoStoreSettings {
  return { urlTtlSeconds: config.PHOTO_URL_TTL_SECONDS, timeoutMs: config.PHOTO_STORE_TIMEOUT_MS };
}
