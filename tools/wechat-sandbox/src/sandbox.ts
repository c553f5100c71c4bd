import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Clock, systemClock, XmlBuildRecord } from '@mirror/wechat';
import { CallbackMode, CallbackPusher, Delivery, ParsedReply } from './callback-pusher';
import { CallLog, CallRecord, Endpoint } from './call-log';
import { ControlRoutes } from './control.routes';
import { readBody, SandboxRequest, send } from './http-kit';
import { Customer, CustomerRegistry } from './registries/customer-registry';
import { OAuthRegistry } from './registries/oauth-registry';
import { TicketRecord, TicketRegistry } from './registries/ticket-registry';
import { TokenRegistry } from './registries/token-registry';
import { SentMessage, WeChatApiRoutes } from './wechat-api.routes';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  appId?: string;
  appSecret?: string;
  /** The account's original id (gh_…), the ToUserName of callbacks. */
  accountId?: string;
  /** The callback Token shared with the gateway. */
  token?: string;
  /** With a key, callbacks are encrypted (safe mode unless `callbackMode` says otherwise). */
  encodingAesKey?: string | null;
  /** The gateway's /wechat URL; scans fail until it is set. */
  callbackUrl?: string | null;
  callbackMode?: CallbackMode;
  /** Per try; WeChat gives up on a try after 5 s. */
  callbackTimeoutMs?: number;
  /** Tries in all; WeChat makes 3. */
  callbackTries?: number;
  callbackRetryDelayMs?: number;
  /** access_token lifetime. Default 7200. */
  tokenTtlSeconds?: number;
  /** How long a token keeps working after a newer one was fetched. Default 5 minutes. */
  tokenGraceMs?: number;
  /** Daily quotas per endpoint (45009 beyond). None by default. */
  quotas?: Partial<Record<Endpoint, number>>;
  /** Customer-service window after the last interaction. Default 48 h. */
  customWindowMs?: number;
  /** Messages allowed within `burstWindowMs` after a scan or follow. Default 3 per 60 s. */
  burstLimit?: number;
  burstWindowMs?: number;
  oauthCodeTtlMs?: number;
  /** The openid that consents on the authorize page when the request does not name one. */
  oauthOpenid?: string | null;
  clock?: Clock;
}

/** Thrown by control actions that cannot happen (unknown ticket, no callback URL). */
export class SandboxActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxActionError';
  }
}

/** A reply the gateway gave to a callback. */
export interface RecordedReply {
  deliveryId: string;
  openid: string;
  kind: string;
  attempts: number;
  reply: ParsedReply;
}

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

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
  private callbackUrl: string | null;
  private pusher: CallbackPusher | null = null;
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
    this.callbackUrl = options.callbackUrl ?? null;
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
  async scan(input: { openid: string; ticket?: string; url?: string }): Promise<Delivery> {
    const openid = this.checkOpenid(input.openid);
    const key = input.ticket ?? input.url ?? '';
    const ticket = this.tickets.find(key);
    if (!ticket) {
      throw new SandboxActionError(
        this.tickets.exists(key) ? 410 : 404,
        `QR ticket ${this.tickets.exists(key) ? 'expired' : 'unknown'}`,
      );
    }
    const following = this.customers.get(openid)?.subscribed ?? false;
    this.customers.scannedOrFollowed(openid);
    return following
      ? this.deliver(openid, 'scan', this.event(openid, 'SCAN', ticket.scene, ticket))
      : this.deliver(openid, 'subscribe', this.event(openid, 'subscribe', `qrscene_${ticket.scene}`, ticket));
  }

  /** `openid` follows the account without a QR code. */
  async follow(input: { openid: string }): Promise<Delivery> {
    const openid = this.checkOpenid(input.openid);
    this.customers.scannedOrFollowed(openid);
    return this.deliver(openid, 'subscribe', this.event(openid, 'subscribe', ''));
  }

  /** `openid` unfollows the account. */
  async unsubscribe(input: { openid: string }): Promise<Delivery> {
    const openid = this.checkOpenid(input.openid);
    this.customers.unsubscribed(openid);
    return this.deliver(openid, 'unsubscribe', this.event(openid, 'unsubscribe', ''));
  }

  /** `openid` sends a text message. */
  async text(input: { openid: string; content: string }): Promise<Delivery> {
    const openid = this.checkOpenid(input.openid);
    if (typeof input.content !== 'string' || input.content.length === 0) {
      throw new SandboxActionError(400, 'content must be a non-empty string');
    }
    this.customers.messaged(openid);
    return this.deliver(openid, 'text', {
      ToUserName: this.accountId,
      FromUserName: openid,
      CreateTime: this.seconds(),
      MsgType: 'text',
      Content: input.content,
      MsgId: this.msgId(),
    });
  }

  /** Pushes any event (product scans, menu clicks…) with extra fields as given. */
  async pushEvent(input: {
    openid: string;
    event: string;
    eventKey?: string;
    fields?: Record<string, string>;
  }): Promise<Delivery> {
    const openid = this.checkOpenid(input.openid);
    if (!input.event) throw new SandboxActionError(400, 'event is required');
    this.customers.messaged(openid);
    return this.deliver(openid, input.event, {
      ...this.event(openid, input.event, input.eventKey ?? ''),
      ...input.fields,
    });
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
    this.oauthOpenid = openid === null ? null : this.checkOpenid(openid);
  }

  setCallbackUrl(url: string | null): void {
    this.callbackUrl = url;
    this.pusher = null;
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

  // ---- internals ----------------------------------------------------------------------------

  private async deliver(openid: string, kind: string, fields: XmlBuildRecord): Promise<Delivery> {
    const delivery = await this.callbackPusher().deliver(openid, kind, fields);
    this.deliveries.push(delivery);
    return delivery;
  }

  private callbackPusher(): CallbackPusher {
    if (!this.callbackUrl) throw new SandboxActionError(409, 'no callback URL set (SANDBOX_CALLBACK_URL)');
    this.pusher ??= new CallbackPusher({
      url: this.callbackUrl,
      token: this.token,
      appId: this.appId,
      accountId: this.accountId,
      encodingAesKey: this.encodingAesKey,
      mode: this.options.callbackMode ?? (this.encodingAesKey ? 'safe' : 'plain'),
      timeoutMs: this.options.callbackTimeoutMs ?? 5000,
      tries: this.options.callbackTries ?? 3,
      retryDelayMs: this.options.callbackRetryDelayMs ?? 0,
      clock: this.clock,
    });
    return this.pusher;
  }

  private event(openid: string, event: string, eventKey: string, ticket?: TicketRecord): XmlBuildRecord {
    return {
      ToUserName: this.accountId,
      FromUserName: openid,
      CreateTime: this.seconds(),
      MsgType: 'event',
      Event: event,
      EventKey: eventKey,
      Ticket: ticket?.ticket,
    };
  }

  private seconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** A 64-bit decimal message id, like WeChat's. */
  private msgId(): string {
    return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
  }

  private checkOpenid(openid: unknown): string {
    if (typeof openid !== 'string' || !OPENID.test(openid)) {
      throw new SandboxActionError(400, 'openid must be 1-64 letters, digits, _ or -');
    }
    return openid;
  }
}

/** Starts a sandbox on `options.port` (0 = any free port) and returns it running. */
export async function startSandbox(options: SandboxOptions = {}): Promise<WeChatSandbox> {
  return new WeChatSandbox(options).listen();
}
