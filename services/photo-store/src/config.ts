import { env, httpShape, loadConfig, natsShape, s3Shape } from '@mirror/config';

export const SERVICE_NAME = 'photo-store';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...s3Shape,
  PHOTO_CONCURRENCY: env.int(2, 1, 16),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
void env;
