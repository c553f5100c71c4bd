import {
  env,
  httpShape,
  loadConfig,
  natsShape,
  redisShape,
  databaseShape,
  wechatApiShape,
  publicWebShape,
} from '@mirror/config';

export const SERVICE_NAME = 'binding';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  ...databaseShape,
  ...wechatApiShape,
  ...publicWebShape,
  /** Connections in the Postgres pool of one replica. */
  DATABASE_POOL_SIZE: env.int(10, 1, 100),
  /** Apply pending migrations at start-up (under an advisory lock); off when a Job runs them first. */
  DATABASE_MIGRATE_ON_START: env.bool(true),
  /** Photos of sessions nobody confirmed are deleted this long after they were taken. */
  PHOTO_RETENTION_UNCLAIMED_HOURS: env.int(72, 1, 24 * 365),
  /** How often a replica tries to run the retention sweep (one replica at a time runs it). */
  RETENTION_INTERVAL_SECONDS: env.int(900, 5, 86400),
  /** Lifetime of the signed photo URLs binding asks photo-store for (gallery, news picture). */
  PHOTO_URL_TTL_SECONDS: env.int(600, 30, 900),
  /** How long the scan reply waits for photo-store's thumbnail URL before replying without a picture. */
  PHOTO_URL_TIMEOUT_MS: env.int(800, 50, 10000),
  /** How long the gallery and deletions wait for photo-store. */
  PHOTO_STORE_TIMEOUT_MS: env.int(3000, 100, 30000),
  /** Looks: the countdown between a thumbs-up and the photo, seconds. */
  LOOKS_COUNTDOWN_SECONDS: env.int(3, 1, 10),
  /** Looks: a countdown whose photo has not arrived this long after it ended is given up (thumbs-up works again). */
  LOOKS_PHOTO_WAIT_MS: env.int(15000, 1000, 120000),
  /** Looks: how long the mirror's state waits for photo-store's look URLs before going without them. */
  LOOKS_URL_TIMEOUT_MS: env.int(150, 20, 5000),
  /** Looks: the state of each mirror in session is sent again this often (a restarted mirror gets its screen back). */
  LOOKS_REFRESH_MS: env.int(5000, 200, 600000),
  /** Lifetime of the signed OAuth `state` in the links binding sends. */
  OAUTH_STATE_TTL_SECONDS: env.int(1800, 60, 7 * 86400),
  /** Lifetime of the stable photo links in replies and pushed messages (each open mints a fresh OAuth state). */
  PHOTO_LINK_TTL_SECONDS: env.int(7 * 86400, 3600, 90 * 86400),
  /** Photos taken after the scan: pushed once this long has passed without another (one message per burst). */
  PHOTO_PUSH_DEBOUNCE_SECONDS: env.int(20, 1, 3600),
  /** How often each replica looks for claimed sessions with photos to announce. */
  PHOTO_PUSH_INTERVAL_MS: env.int(5000, 200, 600_000),
  /** How often each replica recomputes the channel statistics of the (mirror, day) pairs that changed. */
  STATS_REFRESH_INTERVAL_MS: env.int(2000, 100, 3600_000),
  /** (mirror, day) pairs recomputed per statistics transaction. */
  STATS_REFRESH_BATCH: env.int(1000, 1, 20000),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
