import { env, httpShape, loadConfig, natsShape, redisShape, wechatApiShape } from '@mirror/config';

export const SERVICE_NAME = 'qr-issuer';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  ...wechatApiShape,
  /** Lifetime of a session's temporary QR code, and the default of `qr.issue` for temporary kinds. */
  QR_EXPIRE_SECONDS: env.int(86400, 60, 2592000),
  /**
   * Where mirror screens reach this service's HTTP port (e.g. `http://qr-issuer:3001`); when set, the
   * display message carries `imageUrl` = `<base>/qr/<sessionId>.png`.
   */
  QR_IMAGE_BASE_URL: env.url(['http', 'https']).optional(),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
