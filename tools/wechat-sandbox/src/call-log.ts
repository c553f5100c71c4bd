import type { Clock } from '@mirror/wechat';

/** Every endpoint the sandbox serves, as counted. */
export const ENDPOINTS = [
  '/cgi-bin/token',
  '/cgi-bin/stable_token',
  '/cgi-bin/qrcode/create',
  '/cgi-bin/showqrcode',
  '/cgi-bin/message/custom/send',
  '/connect/oauth2/authorize',
  '/sns/oauth2/access_token',
  '/sns/userinfo',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** One call as the sandbox saw it (no query string: it would hold secrets). */
export interface CallRecord {
  endpoint: Endpoint;
  at: number;
  /** 0 on success. */
  errcode: number;
  status: number;
}

const KEEP_CALLS = 10_000;
const BEIJING_OFFSET_MS = 8 * 3600_000; // WeChat's daily quotas reset at midnight Beijing time

/** Counts calls per endpoint, enforces daily quotas, and injects faults and latency on request. */
export class CallLog {
  private readonly recent: CallRecord[] = [];
  private readonly totals = new Map<string, number>();
  private readonly quotas = new Map<Endpoint, number>();
  private readonly used = new Map<Endpoint, number>();
  private readonly faults = new Map<Endpoint, { errcode: number; remaining: number }[]>();
  private readonly latencies = new Map<Endpoint, number>();
  private quotaDay: number;

  constructor(private readonly clock: Clock) {
    this.quotaDay = this.day();
  }

  /** Records a finished call. Counts stay exact even when old records are dropped from the list. */
  record(endpoint: Endpoint, errcode: number, status: number): void {
    this.recent.push({ endpoint, at: this.clock.now(), errcode, status });
    if (this.recent.length > KEEP_CALLS) this.recent.splice(0, this.recent.length - KEEP_CALLS);
    for (const key of [endpoint, `${endpoint}#${errcode}`])
      this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
  }

  /** Calls made to `endpoint` (all of them, or only those answered with `errcode`). */
  count(endpoint: Endpoint, errcode?: number): number {
    return this.totals.get(errcode === undefined ? endpoint : `${endpoint}#${errcode}`) ?? 0;
  }

  /** Calls per endpoint. */
  counts(): Record<Endpoint, number> {
    return Object.fromEntries(ENDPOINTS.map((e) => [e, this.count(e)])) as Record<Endpoint, number>;
  }

  /** The most recent calls (up to 10 000). */
  calls(): CallRecord[] {
    return [...this.recent];
  }

  /** Sets the daily quota of an endpoint; null removes it. */
  setQuota(endpoint: Endpoint, limit: number | null): void {
    if (limit === null) this.quotas.delete(endpoint);
    else this.quotas.set(endpoint, limit);
  }

  /** Uses one call of the quota; false when the quota is exhausted (→ 45009). */
  takeQuota(endpoint: Endpoint): boolean {
    const today = this.day();
    if (today !== this.quotaDay) {
      this.used.clear();
      this.quotaDay = today;
    }
    const limit = this.quotas.get(endpoint);
    const used = this.used.get(endpoint) ?? 0;
    if (limit !== undefined && used >= limit) return false;
    this.used.set(endpoint, used + 1);
    return true;
  }

  /** Makes the next `times` calls to `endpoint` answer `errcode` (e.g. -1 busy). */
  injectFault(endpoint: Endpoint, errcode: number, times = 1): void {
    const list = this.faults.get(endpoint) ?? [];
    list.push({ errcode, remaining: times });
    this.faults.set(endpoint, list);
  }

  /** The injected errcode for this call, if any. */
  takeFault(endpoint: Endpoint): number | null {
    const list = this.faults.get(endpoint);
    const next = list?.[0];
    if (!next) return null;
    next.remaining -= 1;
    if (next.remaining <= 0) list.shift();
    return next.errcode;
  }

  /** Delays every answer of `endpoint` by `ms` (0 removes it). */
  setLatency(endpoint: Endpoint, ms: number): void {
    if (ms > 0) this.latencies.set(endpoint, ms);
    else this.latencies.delete(endpoint);
  }

  latency(endpoint: Endpoint): number {
    return this.latencies.get(endpoint) ?? 0;
  }

  /** Forgets calls, counts, quota usage, faults and latencies (quotas themselves stay). */
  reset(): void {
    this.recent.length = 0;
    this.totals.clear();
    this.used.clear();
    this.faults.clear();
    this.latencies.clear();
  }

  private day(): number {
    return Math.floor((this.clock.now() + BEIJING_OFFSET_MS) / 86_400_000);
  }
}
