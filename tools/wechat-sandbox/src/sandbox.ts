import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Clock, systemClock } from '@mirror/wechat';
import { Delivery } from './callback-pusher';
import { CallLog, CallRecord, Endpoint } from './call-log';
import { ControlRoutes } from './control.routes';
import { checkOpenid, CustomerSimulator } from './customer-simulator';
import { readBody, SandboxRequest, send } from './http-kit';
import { Customer, CustomerRegistry } from './registries/customer-registry';
import { OAuthRegistry } from './registries/oauth-registry';
import { TicketRecord, TicketRegistry } from './registries/ticket-registry';
import { TokenRegistry } from './registries/token-registry';
import { RecordedReply, SandboxOptions } from './sandbox.options';
import { SentMessage, WeChatApiRoutes } from './wechat-api.routes';

/** An in-memory WeChat: the API, the OAuth pages, and a customer who scans, follows and writes. */
export class WeChatSandbox {
  readonly appId: string;
  readonly appSecret: string;
  readonly accountId: string;
  readonly token: string;
  readonly encodingAesKey: string | null;
  readonly calls: CallLog;
  readonly tokens: TokenRegistry;
  readonly tickets: TicketRegistry;
  readonly customers: CustomerRegistry;
  readonly oauth: OAuthRegistry;
  readonly messages: SentMessage[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly clock: Clock;
  private readonly api: WeChatApiRoutes;
  private readonly control: ControlRoutes;
  private readonly customer: CustomerSimulator;
  private oauthOpenid: string | null;
  private server: Server | null = null;
  private baseUrl = '';

  constructor(private readonly options: SandboxOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.appId = options.appId ?? 'wx5a9d0b1c2e3f4a5b';
    this.appSecret = options.appSecret ?? randomBytes(16).toString('hex');
    this.accountId = options.accountId ?? 'gh_5a9d0b1c2e3f';
    this.token = options.token ?? 'sandboxtoken';
    this.encodingAesKey = options.encodingAesKey ?? null;
    this.oauthOpenid = options.oauthOpenid ?? null;
    this.calls = new CallLog(this.clock);
    for (const [endpoint, limit] of Object.entries(options.quotas ?? {})) {
      this.calls.setQuota(endpoint as Endpoint, limit ?? null);
    }
    this.tokens = new TokenRegistry(
      this.clock,
      options.tokenTtlSeconds ?? 7200,
      options.tokenGraceMs ?? 300_000,
    );
    this.tickets = new TicketRegistry(this.clock);
    this.customers = new CustomerRegistry(this.clock, {
      windowMs: options.customWindowMs ?? 48 * 3600_000,
      burstLimit: options.burstLimit ?? 3,
      burstWindowMs: options.burstWindowMs ?? 60_000,
    });
    this.oauth = new OAuthRegistry(this.clock, options.oauthCodeTtlMs ?? 300_000);
    this.api = new WeChatApiRoutes({
      appId: this.appId,
      appSecret: this.appSecret,
      calls: this.calls,
      tokens: this.tokens,
      tickets: this.tickets,
      customers: this.customers,
      oauth: this.oauth,
      messages: this.messages,
      now: () => this.clock.now(),
      browsingOpenid: () => this.oauthOpenid ?? this.customers.mostRecent()?.openid ?? null,
    });
    this.customer = new CustomerSimulator(
      {
        accountId: this.accountId,
        appId: this.appId,
        token: this.token,
        encodingAesKey: this.encodingAesKey,
        callbackMode: options.callbackMode,
        callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
        callbackTries: options.callbackTries ?? 3,
        callbackRetryDelayMs: options.callbackRetryDelayMs ?? 0,
        callbackRetryMode: options.callbackRetryMode ?? 'same',
        tickets: this.tickets,
        customers: this.customers,
        deliveries: this.deliveries,
        clock: this.clock,
      },
      options.callbackUrl ?? null,
    );
    this.control = new ControlRoutes(this);
  }

  /** Base URL of the running server (use it as WECHAT_API_BASE, WECHAT_MP_BASE and WECHAT_OPEN_BASE). */
  get url(): string {
    return this.baseUrl;
  }

  /** Starts the HTTP server. */
  async listen(): Promise<this> {
    const server = createServer((req, res) => {
      void (async () => {
        try {
          const url = new URL(req.url ?? '/', 'http://sandbox');
          const request: SandboxRequest = {
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            body: req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req),
          };
          const answer = (await this.control.handle(request)) ??
            (await this.api.handle(request)) ?? { status: 404, text: 'not a WeChat API path' };
          send(res, answer);
        } catch (error) {
          send(res, { status: 500, json: { error: (error as Error).message } });
        }
      })();
    });
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${host}:${address.port}`;
    return this;
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ---- the customer -------------------------------------------------------------------------

  /** `openid` scans a QR code (by ticket or by its URL): subscribe + qrscene_ the first time, SCAN after. */
  scan(input: { openid: string; ticket?: string; url?: string }): Promise<Delivery> {
    return this.customer.scan(input);
  }

  /** `openid` follows the account without a QR code. */
  follow(input: { openid: string }): Promise<Delivery> {
    return this.customer.follow(input);
  }

  /** `openid` unfollows the account. */
  unsubscribe(input: { openid: string }): Promise<Delivery> {
    return this.customer.unsubscribe(input);
  }

  /** `openid` sends a text message. */
  text(input: { openid: string; content: string }): Promise<Delivery> {
    return this.customer.text(input);
  }

  /** Pushes any event (product scans, menu clicks…) with extra fields as given. */
  pushEvent(input: {
    openid: string;
    event: string;
    eventKey?: string;
    fields?: Record<string, string>;
  }): Promise<Delivery> {
    return this.customer.pushEvent(input);
  }

  // ---- the operator ------------------------------------------------------------------------

  /** Someone else fetched a token: current tokens die after `graceMs` (default at once → 40001). */
  rotateToken(graceMs = 0): void {
    this.tokens.rotate(graceMs);
  }

  /** Every issued token expires now (→ 42001). */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  setQuota(endpoint: Endpoint, limit: number | null): void {
    this.calls.setQuota(endpoint, limit);
  }

  /** The next `times` calls to `endpoint` answer `errcode`. */
  injectFault(endpoint: Endpoint, errcode: number, times = 1): void {
    this.calls.injectFault(endpoint, errcode, times);
  }

  setLatency(endpoint: Endpoint, ms: number): void {
    this.calls.setLatency(endpoint, ms);
  }

  /** Who consents on the OAuth page when the request does not say (null: the last customer who interacted). */
  setOAuthUser(openid: string | null): void {
    this.oauthOpenid = openid === null ? null : checkOpenid(openid);
  }

  setCallbackUrl(url: string | null): void {
    this.customer.setCallbackUrl(url);
  }

  /** Forgets calls, counts, quota usage, faults, messages and deliveries; tokens, tickets and customers stay. */
  reset(): void {
    this.calls.reset();
    this.messages.length = 0;
    this.deliveries.length = 0;
  }

  // ---- what happened ------------------------------------------------------------------------

  /** Calls made to `endpoint` (only those answered with `errcode` when given). */
  count(endpoint: Endpoint, errcode?: number): number {
    return this.calls.count(endpoint, errcode);
  }

  counts(): Record<Endpoint, number> {
    return this.calls.counts();
  }

  callLog(): CallRecord[] {
    return this.calls.calls();
  }

  /** Customer-service messages sent (to `openid` when given). */
  sentMessages(openid?: string): SentMessage[] {
    return this.messages.filter((m) => !openid || m.openid === openid);
  }

  /** Replies the gateway gave to callbacks (for `openid` when given). */
  replies(openid?: string): RecordedReply[] {
    return this.deliveries
      .filter((d) => d.reply && (!openid || d.openid === openid))
      .map((d) => ({
        deliveryId: d.id,
        openid: d.openid,
        kind: d.kind,
        attempts: d.attempts.length,
        reply: d.reply!,
      }));
  }

  ticketList(): TicketRecord[] {
    return this.tickets.all();
  }

  customerList(): Customer[] {
    return this.customers.all();
  }
}

/** Starts a sandbox on `options.port` (0 = any free port) and returns it running. */
export async function startSandbox(options: SandboxOptions = {}): Promise<WeChatSandbox> {
  return new WeChatSandbox(options).listen();
}
