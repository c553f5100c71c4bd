import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { createWeChatApi, WeChatMetrics, type WeChatApi, type WeChatCounter } from '@mirror/wechat';
import { MetricsService } from './metrics.service';
import { REDIS } from './redis.providers';
import { LOGGER } from './tokens';

/** Injection token of the WeChat API (client, shared access_token, QR codes, customer-service messages). */
export const WECHAT_API = Symbol('WECHAT_API');

/** The settings of the WeChat API client, as every service's config names them. */
export interface WeChatApiSettings {
  WECHAT_APP_ID: string;
  WECHAT_APP_SECRET: string;
  WECHAT_API_BASE: string;
  WECHAT_MP_BASE: string;
  WECHAT_OPEN_BASE: string;
  WECHAT_TIMEOUT_MS: number;
  WECHAT_TOKEN_MODE: 'classic' | 'stable';
}

/**
 * The WeChat API on the service's Redis client, its counters in the service's Prometheus registry. The Redis
 * client already applies REDIS_KEY_PREFIX, so no second prefix is given here: every service configured with
 * the same prefix shares one access_token.
 */
export function wechatApiProvider(config: WeChatApiSettings): Provider {
  return {
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
  };
}

interface CounterSpec {
  name: string;
  help: string;
  labels: string[];
}

/** The WeChat client's counters as Prometheus metrics. */
const COUNTERS: Record<WeChatCounter, CounterSpec> = {
  api_calls: { name: 'wechat_api_calls_total', help: 'HTTP calls made to WeChat', labels: ['endpoint'] },
  api_errors: {
    name: 'wechat_api_errors_total',
    help: 'Non-zero errcodes from WeChat',
    labels: ['endpoint', 'errcode'],
  },
  quota_exceeded: {
    name: 'wechat_quota_errors_total',
    help: 'errcode 45009: the daily quota of an API is used up',
    labels: ['endpoint'],
  },
  busy_retries: {
    name: 'wechat_busy_retries_total',
    help: 'errcode -1 (busy) retried after a backoff',
    labels: ['endpoint'],
  },
  transport_errors: {
    name: 'wechat_transport_errors_total',
    help: 'Timeouts and network failures talking to WeChat',
    labels: ['endpoint', 'kind'],
  },
  token_fetches: {
    name: 'wechat_token_refreshes_total',
    help: 'access_token requests made to WeChat by this process',
    labels: ['mode'],
  },
  token_rejections: {
    name: 'wechat_token_rejections_total',
    help: 'Calls rejected for their access_token (40001/40014/42001) and retried with a new one',
    labels: [],
  },
  token_waits: {
    name: 'wechat_token_waits_total',
    help: "Times a caller waited for another process's token refresh instead of calling WeChat",
    labels: [],
  },
  token_refresh_failures: {
    name: 'wechat_token_refresh_failures_total',
    help: 'Background (refresh-ahead) token refreshes that failed',
    labels: [],
  },
  token_store_fallbacks: {
    name: 'wechat_token_store_fallbacks_total',
    help: 'Times Redis was unreachable and the token held in memory was used',
    labels: [],
  },
};

/** A WeChatMetrics whose every increment also lands in the service's Prometheus registry. */
export function wechatMetrics(metrics: MetricsService): WeChatMetrics {
  const counters = new Map(
    (Object.entries(COUNTERS) as [WeChatCounter, CounterSpec][]).map(([key, spec]) => [
      key,
      { spec, counter: metrics.counter(spec.name, spec.help, spec.labels) },
    ]),
  );
  return new WeChatMetrics((name, labels) => {
    const entry = counters.get(name);
    if (!entry) return;
    // Only the declared labels: prom-client throws on others, and a metric must never fail a call.
    const picked = Object.fromEntries(entry.spec.labels.map((l) => [l, labels[l] ?? '']));
    entry.counter.inc(picked);
  });
}
