import { sleep as realSleep } from './clock';
import {
  apiErrorFor,
  BUSY_ERRCODE,
  QUOTA_ERRCODE,
  redact,
  WeChatApiError,
  WeChatConfigurationError,
  WeChatTransportError,
} from './errors';
import { WeChatMetrics } from './metrics';

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com';
export const DEFAULT_MP_BASE = 'https://mp.weixin.qq.com';
export const DEFAULT_OPEN_BASE = 'https://open.weixin.qq.com';

export interface WeChatApiClientOptions {
  appId: string;
  appSecret: string;
  /** `WECHAT_API_BASE`: api.weixin.qq.com or the sandbox. */
  apiBase?: string;
  /** `WECHAT_MP_BASE`: where showqrcode lives. */
  mpBase?: string;
  /** `WECHAT_OPEN_BASE`: where the OAuth authorize page lives. */
  openBase?: string;
  /** Per-call timeout (connect + answer). Default 5000 ms. */
  timeoutMs?: number;
  /** How many times errcode -1 (busy) is retried. Default 2. */
  busyRetries?: number;
  /** First backoff after -1; doubles each retry, plus up to 50% jitter. Default 200 ms. */
  busyBackoffMs?: number;
  metrics?: WeChatMetrics;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** One call to WeChat's JSON API. */
export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  base?: 'api' | 'mp' | 'open';
  query?: Readonly<Record<string, string | undefined>>;
  body?: unknown;
  /** Appended as `access_token`; never appears in errors. */
  accessToken?: string;
  /** Appends `appid` and `secret` (the AppSecret never leaves this class otherwise). */
  withAppCredentials?: boolean;
  /** Further values to scrub from error text (e.g. an OAuth user token). */
  secrets?: readonly string[];
}

/** An access_token as WeChat handed it out. */
export interface FetchedAccessToken {
  accessToken: string;
  expiresInSeconds: number;
}

export type JsonObject = Record<string, unknown>;

/** WeChat HTTP API client: base URLs from options, a timeout on every call, every errcode a typed error. */
export class WeChatApiClient {
  readonly appId: string;
  readonly apiBase: string;
  readonly mpBase: string;
  readonly openBase: string;
  readonly timeoutMs: number;
  readonly busyRetries: number;
  readonly metrics: WeChatMetrics;
  // A private field, so the secret shows in no console.log, util.inspect or JSON of this object.
  readonly #appSecret: string;
  private readonly busyBackoffMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: WeChatApiClientOptions) {
    if (!options.appId) throw new WeChatConfigurationError('appId is required (WECHAT_APP_ID).');
    if (!options.appSecret) throw new WeChatConfigurationError('appSecret is required (WECHAT_APP_SECRET).');
    this.appId = options.appId;
    this.#appSecret = options.appSecret;
    this.apiBase = trimBase(options.apiBase ?? DEFAULT_API_BASE);
    this.mpBase = trimBase(options.mpBase ?? DEFAULT_MP_BASE);
    this.openBase = trimBase(options.openBase ?? DEFAULT_OPEN_BASE);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.busyRetries = options.busyRetries ?? 2;
    this.busyBackoffMs = options.busyBackoffMs ?? 200;
    this.metrics = options.metrics ?? new WeChatMetrics();
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? realSleep;
  }

  /** GET /cgi-bin/token (classic mode): each call issues a new token and retires the previous one. */
  async fetchAccessToken(): Promise<FetchedAccessToken> {
    const json = await this.request({
      method: 'GET',
      path: '/cgi-bin/token',
      query: { grant_type: 'client_credential' },
      withAppCredentials: true,
    });
    return this.readToken(json, '/cgi-bin/token');
  }

  /** POST /cgi-bin/stable_token: returns the current token while it is valid unless `forceRefresh`. */
  async fetchStableAccessToken(forceRefresh = false): Promise<FetchedAccessToken> {
    const json = await this.request({
      method: 'POST',
      path: '/cgi-bin/stable_token',
      body: {
        grant_type: 'client_credential',
        appid: this.appId,
        secret: this.#appSecret,
        force_refresh: forceRefresh,
      },
    });
    return this.readToken(json, '/cgi-bin/stable_token');
  }

  /** Makes one API call; retries errcode -1 with backoff; throws WeChatApiError/WeChatTransportError. */
  async request(req: ApiRequest): Promise<JsonObject> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(req);
      } catch (error) {
        const busy = error instanceof WeChatApiError && error.errcode === BUSY_ERRCODE;
        if (!busy || attempt >= this.busyRetries) throw error;
        this.metrics.increment('busy_retries', { endpoint: req.path });
        const backoff = this.busyBackoffMs * 2 ** attempt;
        await this.sleep(backoff + Math.floor(Math.random() * backoff * 0.5));
      }
    }
  }

  private async once(req: ApiRequest): Promise<JsonObject> {
    const endpoint = req.path;
    const secrets = [this.#appSecret, req.accessToken, ...(req.secrets ?? [])];
    const url = this.url(req);
    this.metrics.increment('api_calls', { endpoint });
    const signal = AbortSignal.timeout(this.timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await this.fetchImpl(url, {
        method: req.method,
        headers: req.body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
        // WeChat wants raw UTF-8 Chinese, which JSON.stringify produces (it never \u-escapes it).
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = signal.aborted || (error as Error)?.name === 'TimeoutError';
      const kind = timedOut ? 'timeout' : 'network';
      this.metrics.increment('transport_errors', { endpoint, kind });
      const detail = timedOut ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      throw new WeChatTransportError(endpoint, kind, redact(detail, secrets));
    }
    if (status < 200 || status > 299) {
      this.metrics.increment('transport_errors', { endpoint, kind: 'http-status' });
      throw new WeChatTransportError(endpoint, 'http-status', `HTTP ${status}`, status);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.metrics.increment('transport_errors', { endpoint, kind: 'bad-response' });
      throw new WeChatTransportError(endpoint, 'bad-response', 'the answer is not JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new WeChatTransportError(endpoint, 'bad-response', 'the answer is not a JSON object');
    }
    const body = json as JsonObject;
    const errcode = body.errcode;
    if (errcode !== undefined && errcode !== 0 && errcode !== '0') {
      const code = Number(errcode);
      const errmsg = redact(typeof body.errmsg === 'string' ? body.errmsg : '', secrets);
      this.metrics.increment('api_errors', { endpoint, errcode: String(code) });
      if (code === QUOTA_ERRCODE) this.metrics.increment('quota_exceeded', { endpoint });
      throw apiErrorFor(Number.isFinite(code) ? code : -2, errmsg, endpoint);
    }
    return body;
  }

  /** The full URL of a request (contains secrets: never log it). */
  private url(req: ApiRequest): string {
    const base = req.base === 'mp' ? this.mpBase : req.base === 'open' ? this.openBase : this.apiBase;
    const params = new URLSearchParams();
    if (req.accessToken !== undefined) params.set('access_token', req.accessToken);
    if (req.withAppCredentials) {
      params.set('appid', this.appId);
      params.set('secret', this.#appSecret);
    }
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) params.set(key, value);
    }
    const query = params.toString();
    return `${base}${req.path}${query ? `?${query}` : ''}`;
  }

  private readToken(json: JsonObject, endpoint: string): FetchedAccessToken {
    const token = json.access_token;
    const expiresIn = Number(json.expires_in);
    if (typeof token !== 'string' || token.length === 0 || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new WeChatTransportError(endpoint, 'bad-response', 'no access_token/expires_in in the answer');
    }
    return { accessToken: token, expiresInSeconds: expiresIn };
  }
}

function trimBase(base: string): string {
  try {
    new URL(base);
  } catch {
    throw new WeChatConfigurationError(
      `"${base}" is not a URL; set WECHAT_API_BASE / WECHAT_MP_BASE / WECHAT_OPEN_BASE`,
    );
  }
  return base.replace(/\/+$/, '');
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `network failure (${cause.code})`;
  return `network failure (${cause?.message ?? (error as Error)?.message ?? 'unknown'})`;
}
