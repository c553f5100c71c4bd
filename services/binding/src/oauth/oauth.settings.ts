import type { AppConfig } from '../config';

export const OAUTH_SETTINGS = Symbol('OAUTH_SETTINGS');

/** The OAuth links binding sends and the confirmations it accepts. */
export interface OAuthSettings {
  /** Where WeChat sends the customer back: the gateway's `/oauth/callback`. */
  redirectUri: string;
  /** Signs and verifies `state` (the same value as the gateway's). */
  stateSecret: string;
  /** Lifetime of the links binding sends. */
  stateTtlSeconds: number;
}

/** The OAuth part of the environment. */
export function oauthSettings(
  config: Pick<AppConfig, 'PUBLIC_BASE_URL' | 'OAUTH_STATE_SECRET' | 'OAUTH_STATE_TTL_SECONDS'>,
): OAuthSettings {
  return {
    redirectUri: `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/oauth/callback`,
    stateSecret: config.OAUTH_STATE_SECRET,
    stateTtlSeconds: config.OAUTH_STATE_TTL_SECONDS,
  };
}
