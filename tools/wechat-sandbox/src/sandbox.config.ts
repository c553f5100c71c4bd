import { env, loadConfig } from '@mirror/config';
import { z } from 'zod';
import { ENDPOINTS, Endpoint } from './call-log';
import type { SandboxOptions } from './sandbox.options';

/** Environment of the standalone sandbox (see README.md). */
export const sandboxShape = {
  SANDBOX_PORT: env.port(8090),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_APP_ID: env.secret(),
  SANDBOX_APP_SECRET: env.secret(),
  SANDBOX_ACCOUNT_ID: z
    .string()
    .regex(/^gh_[A-Za-z0-9]{1,32}$/, 'must look like gh_xxxxxxxxxxxx')
    .default('gh_5a9d0b1c2e3f'),
  SANDBOX_TOKEN: env.secret(3),
  SANDBOX_ENCODING_AES_KEY: env
    .secret()
    .refine((v) => /^[A-Za-z0-9]{43}$/.test(v), 'must be 43 letters or digits (WeChat EncodingAESKey)')
    .optional(),
  SANDBOX_CALLBACK_URL: env.url(['http', 'https']).optional(),
  SANDBOX_CALLBACK_MODE: z.enum(['plain', 'compat', 'safe']).optional(),
  SANDBOX_CALLBACK_TIMEOUT_MS: env.int(5000, 50, 60000),
  /** Pause between a failed try and the next (WeChat's own tries come seconds apart). */
  SANDBOX_CALLBACK_RETRY_DELAY_MS: env.int(0, 0, 60000),
  /** `same`: a retry repeats the request byte for byte; `fresh-nonce`: re-signed with a new timestamp and nonce. */
  SANDBOX_CALLBACK_RETRY_MODE: z.enum(['same', 'fresh-nonce']).default('same'),
  SANDBOX_TOKEN_TTL_SECONDS: env.int(7200, 1, 86400),
  SANDBOX_TOKEN_GRACE_SECONDS: env.int(300, 0, 86400),
  SANDBOX_CUSTOM_WINDOW_SECONDS: env.int(172800, 1, 31 * 86400),
  SANDBOX_BURST_LIMIT: env.int(3, 0, 1000),
  SANDBOX_OAUTH_OPENID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** `endpoint=limit` pairs, comma-separated, e.g. `/cgi-bin/token=2000,/cgi-bin/qrcode/create=100000`. */
  SANDBOX_QUOTAS: z
    .string()
    .default('')
    .refine(
      (v) =>
        v === '' ||
        v.split(',').every((pair) => /^\S+=\d+$/.test(pair.trim()) && isEndpoint(pair.split('=')[0].trim())),
      `must be endpoint=limit pairs separated by commas; endpoints: ${ENDPOINTS.join(' ')}`,
    ),
};

function isEndpoint(value: string): value is Endpoint {
  return (ENDPOINTS as readonly string[]).includes(value);
}

/** Reads the environment into SandboxOptions; throws ConfigError naming every bad variable. */
export function sandboxOptionsFromEnv(source: NodeJS.ProcessEnv = process.env): SandboxOptions {
  const c = loadConfig('wechat-sandbox', sandboxShape, source);
  const quotas: Partial<Record<Endpoint, number>> = {};
  for (const pair of c.SANDBOX_QUOTAS ? c.SANDBOX_QUOTAS.split(',') : []) {
    const [endpoint, limit] = pair.trim().split('=');
    quotas[endpoint as Endpoint] = Number(limit);
  }
  return {
    port: c.SANDBOX_PORT,
    host: c.SANDBOX_HOST,
    appId: c.SANDBOX_APP_ID,
    appSecret: c.SANDBOX_APP_SECRET,
    accountId: c.SANDBOX_ACCOUNT_ID,
    token: c.SANDBOX_TOKEN,
    encodingAesKey: c.SANDBOX_ENCODING_AES_KEY ?? null,
    callbackUrl: c.SANDBOX_CALLBACK_URL ?? null,
    callbackMode: c.SANDBOX_CALLBACK_MODE,
    callbackTimeoutMs: c.SANDBOX_CALLBACK_TIMEOUT_MS,
    callbackRetryDelayMs: c.SANDBOX_CALLBACK_RETRY_DELAY_MS,
    callbackRetryMode: c.SANDBOX_CALLBACK_RETRY_MODE,
    tokenTtlSeconds: c.SANDBOX_TOKEN_TTL_SECONDS,
    tokenGraceMs: c.SANDBOX_TOKEN_GRACE_SECONDS * 1000,
    customWindowMs: c.SANDBOX_CUSTOM_WINDOW_SECONDS * 1000,
    burstLimit: c.SANDBOX_BURST_LIMIT,
    oauthOpenid: c.SANDBOX_OAUTH_OPENID ?? null,
    quotas,
  };
}
