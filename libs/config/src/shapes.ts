import { z } from 'zod';
import { env } from './env';

/** Variable groups; a service spreads the groups it needs into its own shape. */
export const httpShape = {
  PORT: env.port(3000),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(10000, 100, 120000),
  /** OTLP/HTTP collector (Jaeger, Tempo, an OpenTelemetry Collector); unset, tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url(['http', 'https']).optional(),
  /** `service.name` of the service's spans; the service's own name when unset. */
  OTEL_SERVICE_NAME: z.string().trim().max(255).optional(),
};

export const natsShape = {
  NATS_URL: env.urlList(['nats', 'tls']),
  NATS_NAMESPACE: env.namespace(),
  /** The service's NATS credentials (`.creds`); required by a locked bus, read once at start-up. */
  NATS_CREDS: env.credsFile().optional(),
};

export const databaseShape = {
  DATABASE_URL: env.url(['postgres', 'postgresql']),
};

export const redisShape = {
  REDIS_URL: env.url(['redis', 'rediss']),
  REDIS_KEY_PREFIX: env.keyPrefix(),
};

export const s3Shape = {
  S3_ENDPOINT: env.url(['http', 'https']),
  S3_PUBLIC_URL: env.url(['http', 'https']).optional(),
  S3_ACCESS_KEY: env.secret(),
  S3_SECRET_KEY: env.secret(),
  S3_BUCKET: env.bucket(),
  S3_REGION: env.namespace().default('us-east-1'),
};

export const wechatApiShape = {
  WECHAT_APP_ID: env.secret(),
  WECHAT_APP_SECRET: env.secret(),
  WECHAT_API_BASE: env.url(['http', 'https']).default('https://api.weixin.qq.com'),
  WECHAT_MP_BASE: env.url(['http', 'https']).default('https://mp.weixin.qq.com'),
  WECHAT_OPEN_BASE: env.url(['http', 'https']).default('https://open.weixin.qq.com'),
  WECHAT_TIMEOUT_MS: env.int(5000, 100, 60000),
  /** `stable` uses WeChat's stable_token endpoint (a refresh does not invalidate other holders). */
  WECHAT_TOKEN_MODE: z.enum(['classic', 'stable']).default('classic'),
};

export const wechatCallbackShape = {
  WECHAT_APP_ID: env.secret(),
  WECHAT_TOKEN: env.secret(3),
  WECHAT_ENCODING_AES_KEY: env
    .secret()
    .refine((v) => /^[A-Za-z0-9]{43}$/.test(v), 'must be 43 letters or digits (WeChat EncodingAESKey)')
    .optional(),
};

export const publicWebShape = {
  PUBLIC_BASE_URL: env.url(['http', 'https']),
  OAUTH_STATE_SECRET: env.secret(16),
  COOKIE_SECRET: env.secret(16),
};
