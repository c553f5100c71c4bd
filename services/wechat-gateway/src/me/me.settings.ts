import type { AppConfig } from '../config';

export const ME_SETTINGS = Symbol('ME_SETTINGS');

/** What the photo page needs: the key that tells a genuine customer cookie from a forged one. */
export interface MeSettings {
  cookieSecret: string;
}

/** The photo page's part of the environment. */
export function meSettings(config: Pick<AppConfig, 'COOKIE_SECRET'>): MeSettings {
  return { cookieSecret: config.COOKIE_SECRET };
}
