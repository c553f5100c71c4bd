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
  PHOTO_RETENTION_UNCLAIMED_HOURS: env.int(72, 1, 24 * 365),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
void env;
