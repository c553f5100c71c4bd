import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { WeChatApiClient, FetchedAccessToken } from './api-client';
import { Clock, sleep, systemClock } from './clock';
import {
  apiErrorFor,
  QUOTA_ERRCODE,
  TokenRefreshTimeoutError,
  TokenStoreUnavailableError,
  WeChatApiError,
  WeChatError,
  WeChatTransportError,
} from './errors';
import { CachedToken, RecordedFailure, RedisTokenStore } from './token-store';

/** `classic`: GET /cgi-bin/token (each fetch retires the previous token); `stable`: POST /cgi-bin/stable_token. */
export type TokenMode = 'classic' | 'stable';

/** A minimal logger (pino-compatible). */
export interface TokenLogger {
  warn(details: object, message: string): void;
}

export interface AccessTokenProviderOptions {
  client: WeChatApiClient;
  /** Shared by every replica of every service. Prefer `enableOfflineQueue: false` so outages fail fast. */
  redis: Redis;
  /** Prepended to every key (tests use a unique one). */
  keyPrefix?: string;
  mode?: TokenMode;
  clock?: Clock;
  /** Refresh in the background when less than this is left. Default 5 minutes. */
  refreshAheadMs?: number;
  /** A token with less than this left is not handed out; callers wait for a new one. Default 60 s. */
  minRemainingMs?: number;
  /** Refresh lock lifetime; longer than one full fetch with its retries. Default derived from the client. */
  lockTtlMs?: number;
  /** How long a caller waits for another process's refresh. Default lockTtlMs + 1 s. */
  waitTimeoutMs?: number;
  /** How often a waiting caller looks at Redis. Default 25 ms. */
  pollIntervalMs?: number;
  /** Bound on every Redis command. Default 1000 ms. */
  redisTimeoutMs?: number;
  /** How long a token read from Redis is reused without asking Redis again, ms (0: ask every time). */
  memoryTrustMs?: number;
  /** How long a failed refresh is reported to everyone instead of calling WeChat again. Default 1 s. */
  failureHoldMs?: number;
  /** The same for 45009 on the token endpoint. Default 60 s. */
  quotaHoldMs?: number;
  logger?: TokenLogger;
}

const MIN_BACKGROUND_INTERVAL_MS = 30_000;

/**
 * One access_token for all replicas: cached in Redis, refreshed ahead of expiry by one process at a
 * time (Redis lock), with waiters reading the result instead of calling WeChat.
 */
export class AccessTokenProvider {
  readonly mode: TokenMode;
  private readonly client: WeChatApiClient;
  private readonly store: RedisTokenStore;
  private readonly clock: Clock;
  private readonly refreshAheadMs: number;
  private readonly minRemainingMs: number;
  private readonly lockTtlMs: number;
  private readonly waitTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly failureHoldMs: number;
  private readonly quotaHoldMs: number;
  private readonly logger?: TokenLogger;
  private readonly flights = new Map<string, Promise<string>>();
  private backgroundRefresh: Promise<void> | null = null;
  /** The last token seen in Redis: trusted for `memoryTrustMs`, and while Redis is unreachable. */
  private lastKnown: CachedToken | null = null;
  private lastReadAt = 0;
  private readonly memoryTrustMs: number;

  constructor(options: AccessTokenProviderOptions) {
    this.client = options.client;
    this.mode = options.mode ?? 'classic';
    this.clock = options.clock ?? systemClock;
    this.refreshAheadMs = options.refreshAheadMs ?? 300_000;
    this.minRemainingMs = options.minRemainingMs ?? 60_000;
    const fetches = this.mode === 'stable' ? 2 : 1;
    this.lockTtlMs =
      options.lockTtlMs ?? fetches * this.client.timeoutMs * (this.client.busyRetries + 1) + 5_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? this.lockTtlMs + 1_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    this.failureHoldMs = options.failureHoldMs ?? 1_000;
    this.quotaHoldMs = options.quotaHoldMs ?? 60_000;
    this.logger = options.logger;
    this.memoryTrustMs = options.memoryTrustMs ?? 1_000;
    this.store = new RedisTokenStore(
      options.redis,
      options.keyPrefix ?? '',
      this.client.appId,
      this.mode,
      options.redisTimeoutMs ?? 1_000,
    );
  }

  /** A valid access_token (from Redis, or fetched by exactly one process when there is none). */
  async getAccessToken(): Promise<string> {
    // A token read from Redis a moment ago is still the shared one (a rotation in between is caught by
    // withAccessToken's invalidate-if-current path), so busy processes skip most Redis round trips.
    const remembered = this.lastKnown;
    if (remembered && this.clock.now() - this.lastReadAt < this.memoryTrustMs && this.usable(remembered)) {
      if (this.clock.now() >= remembered.refreshAfter) this.refreshInBackground(remembered.token);
      return remembered.token;
    }
    let cached: CachedToken | null;
    try {
      cached = await this.store.get();
    } catch (error) {
      if (error instanceof TokenStoreUnavailableError && this.lastKnown && this.usable(this.lastKnown)) {
        this.client.metrics.increment('token_store_fallbacks');
        return this.lastKnown.token;
      }
      throw error;
    }
    if (cached && this.usable(cached)) {
      this.lastKnown = cached;
      this.lastReadAt = this.clock.now();
      if (this.clock.now() >= cached.refreshAfter) this.refreshInBackground(cached.token);
      return cached.token;
    }
    return this.obtain(null);
  }

  /**
   * Runs `call` with the token. If WeChat rejects the token (40001/40014/42001) the cached one is
   * invalidated only if it is still the one that failed, a new one is obtained once and `call` retried once.
   */
  async withAccessToken<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.getAccessToken();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof WeChatApiError) || !error.isTokenRejected) throw error;
      this.client.metrics.increment('token_rejections');
      if (this.lastKnown?.token === token) this.lastKnown = null;
      await this.store.invalidateIfCurrent(token);
      return call(await this.obtain(token));
    }
  }

  /** Joins this process's callers that want a token other than `stale` into one attempt. */
  private obtain(stale: string | null): Promise<string> {
    const key = stale ?? '';
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.acquire(stale).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  /** Reads Redis until a usable token other than `stale` is there, taking the lock to fetch one when free. */
  private async acquire(stale: string | null): Promise<string> {
    const deadline = performance.now() + this.waitTimeoutMs;
    let waited = false;
    for (;;) {
      const state = await this.store.read();
      if (state.token && this.usable(state.token) && state.token.token !== stale) {
        this.lastKnown = state.token;
        return state.token.token;
      }
      if (state.failure) throw errorFromFailure(state.failure);
      if (!state.locked) {
        const lock = await this.store.tryLock(this.lockTtlMs);
        if (lock) return this.refreshHoldingLock(lock, stale);
      }
      if (!waited) this.client.metrics.increment('token_waits');
      waited = true;
      if (performance.now() >= deadline) throw new TokenRefreshTimeoutError(this.waitTimeoutMs);
      await sleep(this.pollIntervalMs);
    }
  }

  private async refreshHoldingLock(lock: string, stale: string | null): Promise<string> {
    try {
      // Another process may have finished between our read and our lock.
      const current = await this.store.get();
      if (current && this.usable(current) && current.token !== stale) {
        this.lastKnown = current;
        return current.token;
      }
      return await this.fetchAndStore(stale);
    } finally {
      await this.store.unlock(lock).catch(() => undefined); // it expires on its own
    }
  }

  private async fetchAndStore(stale: string | null): Promise<string> {
    let fetched: FetchedAccessToken;
    try {
      fetched = await this.fetch(stale);
    } catch (error) {
      await this.recordFailure(error);
      throw error;
    }
    const now = this.clock.now();
    const lifetime = fetched.expiresInSeconds * 1000;
    const expiresAt = now + lifetime;
    // Short-lived tokens (a sandbox configured so) refresh halfway rather than never being fresh enough.
    const ahead = Math.min(this.refreshAheadMs, lifetime / 2);
    const record: CachedToken = {
      token: fetched.accessToken,
      fetchedAt: now,
      expiresAt,
      refreshAfter: Math.max(expiresAt - ahead, now + Math.min(MIN_BACKGROUND_INTERVAL_MS, lifetime / 4)),
    };
    this.lastKnown = record;
    try {
      await this.store.put(record, now);
    } catch (error) {
      // We hold a good token; use it even though the other processes cannot see it yet.
      this.logger?.warn(
        { err: (error as Error).message },
        'could not store the new WeChat access_token in Redis',
      );
    }
    return record.token;
  }

  private async fetch(stale: string | null): Promise<FetchedAccessToken> {
    this.client.metrics.increment('token_fetches', { mode: this.mode });
    if (this.mode === 'classic') return this.client.fetchAccessToken();
    const token = await this.client.fetchStableAccessToken(false);
    const seenBefore = token.accessToken === stale || token.accessToken === this.lastKnown?.token;
    const nearlyExpired = seenBefore && token.expiresInSeconds * 1000 <= this.minRemainingMs;
    if (token.accessToken !== stale && !nearlyExpired) return token;
    // WeChat hands out the token it just rejected, or one about to expire: only a forced refresh replaces it.
    this.client.metrics.increment('token_fetches', { mode: this.mode });
    return this.client.fetchStableAccessToken(true);
  }

  private async recordFailure(error: unknown): Promise<void> {
    let failure: RecordedFailure;
    if (error instanceof WeChatApiError) {
      failure = {
        kind: 'api',
        endpoint: error.endpoint,
        errcode: error.errcode,
        errmsg: error.errmsg,
        at: Date.now(),
      };
    } else if (error instanceof WeChatTransportError) {
      failure = {
        kind: 'transport',
        endpoint: error.endpoint,
        transport: error.kind,
        detail: error.detail,
        status: error.status,
        at: Date.now(),
      };
    } else {
      return;
    }
    const hold = failure.errcode === QUOTA_ERRCODE ? this.quotaHoldMs : this.failureHoldMs;
    await this.store.recordFailure(failure, hold).catch(() => undefined);
  }

  /** Refresh-ahead: one process (whoever gets the lock) fetches; everyone keeps using the current token. */
  private refreshInBackground(current: string): void {
    if (this.backgroundRefresh) return;
    this.backgroundRefresh = (async () => {
      const lock = await this.store.tryLock(this.lockTtlMs);
      if (!lock) return;
      try {
        const latest = await this.store.get();
        if (latest && latest.token !== current && this.clock.now() < latest.refreshAfter) return;
        await this.fetchAndStore(null);
      } finally {
        await this.store.unlock(lock).catch(() => undefined);
      }
    })()
      .catch((error: unknown) => {
        this.client.metrics.increment('token_refresh_failures');
        this.logger?.warn({ err: (error as Error).message }, 'background WeChat access_token refresh failed');
      })
      .finally(() => {
        this.backgroundRefresh = null;
      });
  }

  private usable(token: CachedToken): boolean {
    const margin = Math.min(this.minRemainingMs, (token.expiresAt - token.fetchedAt) / 4);
    return token.expiresAt - this.clock.now() > margin;
  }
}

/** Rebuilds the error another process got, so every waiter sees the same typed error. */
function errorFromFailure(failure: RecordedFailure): WeChatError {
  if (failure.kind === 'api') {
    return apiErrorFor(failure.errcode ?? -2, failure.errmsg ?? '', failure.endpoint);
  }
  return new WeChatTransportError(
    failure.endpoint,
    failure.transport ?? 'network',
    failure.detail ?? 'the last refresh failed',
    failure.status,
  );
}
