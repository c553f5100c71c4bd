import type { AppConfig } from '../config';

export const CALLBACK_SETTINGS = Symbol('CALLBACK_SETTINGS');

/** The callback URL's part of the environment: WeChat's credentials and the bounds of every step. */
export interface CallbackSettings {
  /** The callback Token (signatures). */
  token: string;
  /** The AppID decrypted payloads must name. */
  appId: string;
  /** Set → safe mode: callbacks are encrypted and plaintext ones refused. */
  encodingAesKey: string | undefined;
  /** Largest callback body accepted, bytes. */
  maxBodyBytes: number;
  /** Callbacks whose `timestamp` is further than this from our clock are refused. */
  timestampWindowSeconds: number;
  /** How long binding may take to produce a passive reply, of WeChat's 5 s. */
  replyBudgetMs: number;
  /** How long a callback's de-duplication key and reply are remembered. */
  dedupTtlSeconds: number;
  /** Per-operation bound on the replay/de-duplication store. */
  guardTimeoutMs: number;
}

/** The callback part of the environment. */
export function callbackSettings(
  config: Pick<
    AppConfig,
    | 'WECHAT_TOKEN'
    | 'WECHAT_APP_ID'
    | 'WECHAT_ENCODING_AES_KEY'
    | 'WECHAT_MAX_BODY_BYTES'
    | 'WECHAT_TIMESTAMP_WINDOW_SECONDS'
    | 'WECHAT_REPLY_BUDGET_MS'
    | 'WECHAT_DEDUP_TTL_SECONDS'
    | 'WECHAT_GUARD_TIMEOUT_MS'
  >,
): CallbackSettings {
  return {
    token: config.WECHAT_TOKEN,
    appId: config.WECHAT_APP_ID,
    encodingAesKey: config.WECHAT_ENCODING_AES_KEY,
    maxBodyBytes: config.WECHAT_MAX_BODY_BYTES,
    timestampWindowSeconds: config.WECHAT_TIMESTAMP_WINDOW_SECONDS,
    replyBudgetMs: config.WECHAT_REPLY_BUDGET_MS,
    dedupTtlSeconds: config.WECHAT_DEDUP_TTL_SECONDS,
    guardTimeoutMs: config.WECHAT_GUARD_TIMEOUT_MS,
  };
}
