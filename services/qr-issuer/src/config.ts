import {
  ConfigError,
  env,
  httpShape,
  loadConfig,
  natsShape,
  redisShape,
  wechatApiShape,
} from '@mirror/config';

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
   * display message carries `imageUrl` = `<base>/qr/<sessionId>.png?exp=…&sig=…`, signed and expiring.
   */
  QR_IMAGE_BASE_URL: env.url(['http', 'https']).optional(),
  /** HMAC key of the image URLs; required with QR_IMAGE_BASE_URL. Unset: every image request is refused. */
  QR_IMAGE_SIGNING_SECRET: env.secret(16).optional(),
  /** Lifetime of a signed image URL (never past the code's own expiry). */
  QR_IMAGE_URL_TTL_SECONDS: env.int(3600, 60, 86400),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(SERVICE_NAME, configShape, source);
  // Image URLs handed out must be signed: a base URL without a key would publish links nobody may open.
  if (config.QR_IMAGE_BASE_URL && !config.QR_IMAGE_SIGNING_SECRET) {
    throw new ConfigError(SERVICE_NAME, [
      {
        variable: 'QR_IMAGE_SIGNING_SECRET',
        message:
          'is required when QR_IMAGE_BASE_URL is set (at least 16 characters; it signs the image URLs in display messages)',
      },
    ]);
  }
  return config;
}
