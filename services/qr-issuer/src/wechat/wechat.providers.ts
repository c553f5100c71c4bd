import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, MetricsService, REDIS } from '@mirror/platform';
import { createWeChatApi, type WeChatApi } from '@mirror/wechat';
import type { AppConfig } from '../config';
import { wechatMetrics } from './wechat.metrics';

/** Injection token of the WeChat API (client, shared token provider, QR codes). */
export const WECHAT_API = Symbol('WECHAT_API');

/**
 * The WeChat API on the service's Redis client. That client already applies REDIS_KEY_PREFIX, so no
 * second prefix is given here: every service configured with the same prefix shares one access_token.
 */
export function wechatProviders(config: AppConfig): Provider[] {
  return [
    {
      provide: WECHAT_API,
      inject: [REDIS, MetricsService, LOGGER],
      useFactory: (redis: Redis, metrics: MetricsService, logger: Logger): WeChatApi =>
        createWeChatApi({
          appId: config.WECHAT_APP_ID,
          appSecret: config.WECHAT_APP_SECRET,
          apiBase: config.WECHAT_API_BASE,
          mpBase: config.WECHAT_MP_BASE,
          openBase: config.WECHAT_OPEN_BASE,
          timeoutMs: config.WECHAT_TIMEOUT_MS,
          redis,
          tokenMode: config.WECHAT_TOKEN_MODE,
          metrics: wechatMetrics(metrics),
          token: { logger: logger.child({ component: 'wechat-token' }) },
        }),
    },
  ];
}
