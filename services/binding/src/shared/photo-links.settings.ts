import { createHmac } from 'node:crypto';
import type { AppConfig } from '../config';

export const PHOTO_LINK_SETTINGS = Symbol('PHOTO_LINK_SETTINGS');

/** The stable photo links binding puts in replies and pushed messages. */
export interface PhotoLinkSettings {
  /** The gateway's public base URL: the links point at its `/link/<link>`. */
  publicBaseUrl: string;
  /** Signs the links; derived from the OAuth state secret, so a link is never a valid state or back. */
  secret: string;
  /** Lifetime of a link. */
  ttlSeconds: number;
}

/** The photo links' part of the environment. */
export function photoLinkSettings(
  config: Pick<AppConfig, 'PUBLIC_BASE_URL' | 'OAUTH_STATE_SECRET' | 'PHOTO_LINK_TTL_SECONDS'>,
): PhotoLinkSettings {
  return {
    publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    secret: createHmac('sha256', config.OAUTH_STATE_SECRET).update('photo-link-v1').digest('base64url'),
    ttlSeconds: config.PHOTO_LINK_TTL_SECONDS,
  };
}
