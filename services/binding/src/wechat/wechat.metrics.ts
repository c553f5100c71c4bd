import type { MetricsService } from '@mirror/platform';
import { WeChatMetrics, type WeChatCounter } from '@mirror/wechat';

const LABELS: Partial<Record<WeChatCounter, string[]>> = {
  api_calls: ['endpoint'],
  api_errors: ['endpoint', 'errcode'],
  quota_exceeded: ['endpoint'],
  busy_retries: ['endpoint'],
  transport_errors: ['endpoint', 'kind'],
  token_fetches: ['mode'],
};

/** The WeChat client's counters as Prometheus counters `wechat_<name>_total`. */
export function wechatMetrics(metrics: MetricsService): WeChatMetrics {
  return new WeChatMetrics((name, labels) => {
    const names = LABELS[name] ?? [];
    // only the declared labels: prom-client throws on others, and a metric must never fail a call
    const picked = Object.fromEntries(names.map((l) => [l, labels[l] ?? '']));
    metrics.counter(`wechat_${name}_total`, `WeChat client: ${name.replace(/_/g, ' ')}`, names).inc(picked);
  });
}
