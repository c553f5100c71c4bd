import type { Redis } from 'ioredis';
import { WeChatApiClient, WeChatApiClientOptions } from './api-client';
import { Clock } from './clock';
import { CustomMessageApi } from './custom-message';
import { WeChatMetrics } from './metrics';
import { WeChatOAuth } from './oauth';
import { QrCodeApi } from './qrcode';
import { AccessTokenProvider, AccessTokenProviderOptions, TokenMode } from './token-provider';

export interface WeChatApiOptions extends WeChatApiClientOptions {
  redis: Redis;
  keyPrefix?: string;
  /** `WECHAT_TOKEN_MODE`. Default classic. */
  tokenMode?: TokenMode;
  clock?: Clock;
  /** Fine-tuning of the token provider (timeouts, refresh-ahead, logger). */
  token?: Omit<AccessTokenProviderOptions, 'client' | 'redis' | 'keyPrefix' | 'mode' | 'clock'>;
}

/** Everything a service needs to talk to WeChat, sharing one client, one token provider and one set of counters. */
export interface WeChatApi {
  client: WeChatApiClient;
  tokens: AccessTokenProvider;
  qrCodes: QrCodeApi;
  oauth: WeChatOAuth;
  customMessages: CustomMessageApi;
  metrics: WeChatMetrics;
}

/** Wires the client, the shared token provider and the API helpers from one options object. */
export function createWeChatApi(options: WeChatApiOptions): WeChatApi {
  const metrics = options.metrics ?? new WeChatMetrics();
  const client = new WeChatApiClient({ ...options, metrics });
  const tokens = new AccessTokenProvider({
    ...options.token,
    client,
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    mode: options.tokenMode,
    clock: options.clock,
  });
  return {
    client,
    tokens,
    qrCodes: new QrCodeApi({ client, tokens, clock: options.clock }),
    oauth: new WeChatOAuth(client),
    customMessages: new CustomMessageApi(client, tokens),
    metrics,
  };
}
