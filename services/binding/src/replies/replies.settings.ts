import type { AppConfig } from '../config';

export const REPLIES_SETTINGS = Symbol('REPLIES_SETTINGS');

/** What the replies to customers may wait for. */
export interface RepliesSettings {
  /** How long a scan reply waits for the newest photo's thumbnail URL before going without a picture. */
  thumbnailTimeoutMs: number;
}

/** The replies part of the environment. */
export function repliesSettings(config: Pick<AppConfig, 'PHOTO_URL_TIMEOUT_MS'>): RepliesSettings {
  return { thumbnailTimeoutMs: config.PHOTO_URL_TIMEOUT_MS };
}
