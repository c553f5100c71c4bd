import type { AppConfig } from '../config';

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');

/** Staff sign-in: session lifetime, cookies, and how many failures are allowed. */
export interface AuthSettings {
  sessionIdleSeconds: number;
  cookieSecure: boolean;
  maxFailures: number;
  windowSeconds: number;
}

export function authSettings(
  config: Pick<
    AppConfig,
    | 'CONSOLE_SESSION_IDLE_MINUTES'
    | 'CONSOLE_COOKIE_SECURE'
    | 'CONSOLE_LOGIN_MAX_FAILURES'
    | 'CONSOLE_LOGIN_WINDOW_SECONDS'
  >,
): AuthSettings {
  return {
    sessionIdleSeconds: config.CONSOLE_SESSION_IDLE_MINUTES * 60,
    cookieSecure: config.CONSOLE_COOKIE_SECURE,
    maxFailures: config.CONSOLE_LOGIN_MAX_FAILURES,
    windowSeconds: config.CONSOLE_LOGIN_WINDOW_SECONDS,
  };
}
