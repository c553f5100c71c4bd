import type { AppConfig } from '../config';

export const OAUTH_SETTINGS = Symbol('OAUTH_SETTINGS');

/** What the OAuth callback needs: the secrets it verifies and signs with, and its bounds. */
export interface OAuthSettings {
  /** Verifies `state` (the same value as binding's). */
  stateSecret: string;
  /** Signs the customer cookie. */
  cookieSecret: string;
  /** Lifetime of the customer cookie. */
  cookieTtlSeconds: number;
  /** The cookie is `Secure` when the gateway is served over https. */
  secureCookie: boolean;
  /** How long binding may take to confirm a sign-in. */
  confirmTimeoutMs: number;
}

/** The OAuth part of the environment. */
export function oauthSettings(
  config: Pick<
    AppConfig,
    | 'OAUTH_STATE_SECRET'
    | 'COOKIE_SECRET'
    | 'COOKIE_TTL_SECONDS'
    | 'PUBLIC_BASE_URL'
    | 'OAUTH_CONFIRM_TIMEOUT_MS'
  >,
): OAuthSettings {
  return {
    stateSecret: config.OAUTH_STATE_SECRET,
    cookieSecret: config.COOKIE_SECRET,
    cookieTtlSeconds: config.COOKIE_TTL_SECONDS,
    secureCookie: config.PUBLIC_BASE_URL.startsWith('https:'),
    confirmTimeoutMs: config.OAUTH_CONFIRM_TIMEOUT_MS,
  };
}
