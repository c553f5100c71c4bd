import { env, httpShape, loadConfig, natsShape, redisShape, wechatApiShape } from '@mirror/config';

export const SERVICE_NAME = 'qr-issuer';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  ...wechatApiShape,
  QR_EXPIRE_SECONDS: env.int(86400, 60, 2592000),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
void env;
