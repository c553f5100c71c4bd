import type { AppConfig } from '../config';

export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');

/** What the console's pages and API need to know. */
export interface ConsoleSettings {
  requestTimeoutMs: number;
  onlineWindowMs: number;
  /** Signed links to the mirrors' permanent codes (qr-issuer); undefined: no download link. */
  mirrorCodes?: { baseUrl: string; secret: string; ttlSeconds: number };
  /** The fleet command, split into program and arguments; undefined: no registration from the console. */
  fleetCommand?: string[];
}

export function consoleSettings(
  config: Pick<
    AppConfig,
    | 'CONSOLE_REQUEST_TIMEOUT_MS'
    | 'MIRROR_ONLINE_WINDOW_SECONDS'
    | 'MIRROR_CODE_BASE_URL'
    | 'MIRROR_CODE_SIGNING_SECRET'
    | 'MIRROR_CODE_URL_TTL_SECONDS'
    | 'FLEET_COMMAND'
  >,
): ConsoleSettings {
  return {
    requestTimeoutMs: config.CONSOLE_REQUEST_TIMEOUT_MS,
    onlineWindowMs: config.MIRROR_ONLINE_WINDOW_SECONDS * 1000,
    mirrorCodes:
      config.MIRROR_CODE_BASE_URL && config.MIRROR_CODE_SIGNING_SECRET
        ? {
            baseUrl: config.MIRROR_CODE_BASE_URL,
            secret: config.MIRROR_CODE_SIGNING_SECRET,
            ttlSeconds: config.MIRROR_CODE_URL_TTL_SECONDS,
          }
        : undefined,
    fleetCommand: config.FLEET_COMMAND?.split(/\s+/).filter(Boolean),
  };
}
