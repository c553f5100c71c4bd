/** Counters the WeChat client keeps; a service exposes them as Prometheus metrics. */
export type WeChatCounter =
  /** Every HTTP call made to WeChat (label endpoint). */
  | 'api_calls'
  /** Every non-zero errcode (labels endpoint, errcode). */
  | 'api_errors'
  /** errcode 45009 (label endpoint): the daily quota is used up. */
  | 'quota_exceeded'
  /** errcode -1 retried after a backoff (label endpoint). */
  | 'busy_retries'
  /** Timeouts and network failures (labels endpoint, kind). */
  | 'transport_errors'
  /** access_token requests made to WeChat (label mode). */
  | 'token_fetches'
  /** Calls that failed with 40001/40014/42001 and were retried with a new token. */
  | 'token_rejections'
  /** Times a caller waited for another process's refresh instead of calling WeChat. */
  | 'token_waits'
  /** Background (refresh-ahead) refreshes that failed; the cached token stayed in use. */
  | 'token_refresh_failures'
  /** Times Redis was unreachable and a still-valid token held in memory was used instead. */
  | 'token_store_fallbacks';

export type CounterLabels = Readonly<Record<string, string>>;
export type CounterListener = (name: WeChatCounter, labels: CounterLabels) => void;

/** Plain in-memory counters plus an optional listener (e.g. prom-client `inc`). */
export class WeChatMetrics {
  private readonly totals = new Map<string, number>();

  constructor(private readonly listener?: CounterListener) {}

  /** Adds one to `name` (and to `name{labels}`). */
  increment(name: WeChatCounter, labels: CounterLabels = {}): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + 1);
    const labelled = labelKey(name, labels);
    if (labelled !== name) this.totals.set(labelled, (this.totals.get(labelled) ?? 0) + 1);
    this.listener?.(name, labels);
  }

  /** The total for `name`, or for `name` restricted to `labels` when given. */
  get(name: WeChatCounter, labels: CounterLabels = {}): number {
    return this.totals.get(labelKey(name, labels)) ?? 0;
  }

  /** Every total, keyed `name` or `name{k="v",…}`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}

function labelKey(name: string, labels: CounterLabels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}="${labels[k]}"`).join(',')}}`;
}
