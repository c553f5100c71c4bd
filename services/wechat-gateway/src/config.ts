import {
  env,
  httpShape,
  loadConfig,
  natsShape,
  redisShape,
  wechatCallbackShape,
  publicWebShape,
} from '@mirror/config';
import { z } from 'zod';

export const SERVICE_NAME = 'wechat-gateway';

export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  ...wechatCallbackShape,
  ...publicWebShape,
  /** How long binding may take to produce a passive reply, of WeChat's 5 s. */
  WECHAT_REPLY_BUDGET_MS: env.int(3000, 100, 4500),
  /** Callbacks whose `timestamp` is further than this from our clock are refused. */
  WECHAT_TIMESTAMP_WINDOW_SECONDS: env.int(300, 10, 3600),
  /** How long a callback's de-duplication key and reply are remembered (WeChat retries for ~15 s). */
  WECHAT_DEDUP_TTL_SECONDS: env.int(300, 60, 86400),
  /** Largest callback body accepted, bytes. */
  WECHAT_MAX_BODY_BYTES: env.int(64 * 1024, 1024, 1024 * 1024),
  /** Per-operation bound on the replay/de-duplication store: an outage must not eat WeChat's 5 s. */
  WECHAT_GUARD_TIMEOUT_MS: env.int(500, 20, 3000),
  /** How long binding may take to confirm an OAuth callback. */
  OAUTH_CONFIRM_TIMEOUT_MS: env.int(5000, 100, 30000),
  /** Lifetime of the customer cookie. */
  COOKIE_TTL_SECONDS: env.int(30 * 86400, 60, 365 * 86400),
  /** How long binding may take to say where a stable photo link leads now. */
  LINK_OPEN_TIMEOUT_MS: env.int(3000, 100, 30000),
  /** The token WeChat names the domain-verification file by: served as `/MP_verify_<token>.txt` when set. */
  WECHAT_MP_VERIFY_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/, 'must be the letters and digits of MP_verify_<token>.txt')
    .optional(),
  /** The file's content as downloaded from the WeChat console (by default the token itself). */
  WECHAT_MP_VERIFY_CONTENT: z.string().min(1).max(256).optional(),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
