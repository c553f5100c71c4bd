import {
  ConfigError,
  databaseShape,
  env,
  httpShape,
  loadConfig,
  natsShape,
  redisShape,
} from '@mirror/config';
import { z } from 'zod';

export const SERVICE_NAME = 'shop-console';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  /** Postgres for the staff accounts (table console_staff); binding's database will do. */
  ...databaseShape,
  /** A staff session lasts this long without activity. */
  CONSOLE_SESSION_IDLE_MINUTES: env.int(120, 5, 7 * 24 * 60),
  /** Cookies only over HTTPS; turn off only for plain-HTTP development. */
  CONSOLE_COOKIE_SECURE: env.bool(true),
  /** Failed sign-ins allowed per account and per client address within CONSOLE_LOGIN_WINDOW_SECONDS. */
  CONSOLE_LOGIN_MAX_FAILURES: env.int(5, 1, 1000),
  CONSOLE_LOGIN_WINDOW_SECONDS: env.int(900, 10, 86400),
  /** How long the console waits for binding's answers. */
  CONSOLE_REQUEST_TIMEOUT_MS: env.int(3000, 100, 60000),
  /** A mirror is online while session-vision told it its frame rate this recently (it does every ~10 s). */
  MIRROR_ONLINE_WINDOW_SECONDS: env.int(30, 5, 3600),
  /**
   * qr-issuer's public URL: each mirror gets links to its permanent code at print size
   * (`<it>/qr/mirrors/<mirrorId>.png|svg?exp=&sig=`), signed with MIRROR_CODE_SIGNING_SECRET; unset: no links.
   */
  MIRROR_CODE_BASE_URL: env.url(['http', 'https']).optional(),
  /** qr-issuer's QR_IMAGE_SIGNING_SECRET (the links are checked there); required with MIRROR_CODE_BASE_URL. */
  MIRROR_CODE_SIGNING_SECRET: env.secret(16).optional(),
  /** How long a download link of the mirrors page stays valid. */
  MIRROR_CODE_URL_TTL_SECONDS: env.int(3600, 60, 86400),
  /**
   * The fleet command registration and revocation run (binding's, with its own DATABASE_URL, NATS_URL and
   * FLEET_AUTHORITY_DIR in the console's environment), e.g. `node services/binding/dist/fleet.js`; unset:
   * the console cannot register mirrors.
   */
  FLEET_COMMAND: z.string().trim().min(1).max(500).optional(),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(SERVICE_NAME, configShape, source);
  if (config.MIRROR_CODE_BASE_URL && !config.MIRROR_CODE_SIGNING_SECRET) {
    throw new ConfigError(SERVICE_NAME, [
      {
        variable: 'MIRROR_CODE_SIGNING_SECRET',
        message:
          "is required with MIRROR_CODE_BASE_URL (qr-issuer's QR_IMAGE_SIGNING_SECRET, at least 16 characters)",
      },
    ]);
  }
  return config;
}
