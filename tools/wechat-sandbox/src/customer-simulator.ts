import { randomBytes } from 'node:crypto';
import type { Clock, XmlBuildRecord } from '@mirror/wechat';
import { CallbackMode, CallbackPusher, CallbackRetryMode, Delivery } from './callback-pusher';
import { CustomerRegistry } from './registries/customer-registry';
import { TicketRecord, TicketRegistry } from './registries/ticket-registry';
import { SandboxActionError } from './sandbox.options';

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks an openid given to the control API. */
export function checkOpenid(openid: unknown): string {
  if (typeof openid !== 'string' || !OPENID.test(openid)) {
    throw new SandboxActionError(400, 'openid must be 1-64 letters, digits, _ or -');
  }
  return openid;
}

export interface CustomerSimulatorDeps {
  accountId: string;
  appId: string;
  token: string;
  encodingAesKey: string | null;
  callbackMode?: CallbackMode;
  callbackTimeoutMs: number;
  callbackTries: number;
  callbackRetryDelayMs: number;
  callbackRetryMode: CallbackRetryMode;
  tickets: TicketRegistry;
  customers: CustomerRegistry;
  deliveries: Delivery[];
  clock: Clock;
}

/** The customers' phones: turn scans, follows and messages into the callbacks WeChat would send. */
export class CustomerSimulator {
  private pusher: CallbackPusher | null = null;

  constructor(
    private readonly deps: CustomerSimulatorDeps,
    private callbackUrl: string | null,
  ) {}

  setCallbackUrl(url: string | null): void {
    this.callbackUrl = url;
    this.pusher = null;
  }

  /** `openid` scans a QR code (by ticket or by its URL): subscribe + qrscene_ the first time, SCAN after. */
  async scan(input: { openid: string; ticket?: string; url?: string }): Promise<Delivery> {
    const openid = checkOpenid(input.openid);
    const key = input.ticket ?? input.url ?? '';
    const ticket = this.deps.tickets.find(key);
    if (!ticket) {
      const expired = this.deps.tickets.exists(key);
      throw new SandboxActionError(expired ? 410 : 404, `QR ticket ${expired ? 'expired' : 'unknown'}`);
    }
    const following = this.deps.customers.get(openid)?.subscribed ?? false;
    this.deps.customers.scannedOrFollowed(openid);
    return following
      ? this.deliver(openid, 'scan', this.event(openid, 'SCAN', ticket.scene, ticket))
      : this.deliver(openid, 'subscribe', this.event(openid, 'subscribe', `qrscene_${ticket.scene}`, ticket));
  }

  /** `openid` follows the account without a QR code. */
  async follow(input: { openid: string }): Promise<Delivery> {
    const openid = checkOpenid(input.openid);
    this.deps.customers.scannedOrFollowed(openid);
    return this.deliver(openid, 'subscribe', this.event(openid, 'subscribe', ''));
  }

  /** `openid` unfollows the account. */
  async unsubscribe(input: { openid: string }): Promise<Delivery> {
    const openid = checkOpenid(input.openid);
    this.deps.customers.unsubscribed(openid);
    return this.deliver(openid, 'unsubscribe', this.event(openid, 'unsubscribe', ''));
  }

  /** `openid` sends a text message. */
  async text(input: { openid: string; content: string }): Promise<Delivery> {
    const openid = checkOpenid(input.openid);
    if (typeof input.content !== 'string' || input.content.length === 0) {
      throw new SandboxActionError(400, 'content must be a non-empty string');
    }
    this.deps.customers.messaged(openid);
    return this.deliver(openid, 'text', {
      ToUserName: this.deps.accountId,
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
    const openid = checkOpenid(input.openid);
    if (!input.event) throw new SandboxActionError(400, 'event is required');
    this.deps.customers.messaged(openid);
    return this.deliver(openid, input.event, {
      ...this.event(openid, input.event, input.eventKey ?? ''),
      ...input.fields,
    });
  }

  private async deliver(openid: string, kind: string, fields: XmlBuildRecord): Promise<Delivery> {
    const delivery = await this.callbackPusher().deliver(openid, kind, fields);
    this.deps.deliveries.push(delivery);
    return delivery;
  }

  private callbackPusher(): CallbackPusher {
    if (!this.callbackUrl) throw new SandboxActionError(409, 'no callback URL set (SANDBOX_CALLBACK_URL)');
    const d = this.deps;
    this.pusher ??= new CallbackPusher({
      url: this.callbackUrl,
      token: d.token,
      appId: d.appId,
      accountId: d.accountId,
      encodingAesKey: d.encodingAesKey,
      mode: d.callbackMode ?? (d.encodingAesKey ? 'safe' : 'plain'),
      timeoutMs: d.callbackTimeoutMs,
      tries: d.callbackTries,
      retryDelayMs: d.callbackRetryDelayMs,
      retryMode: d.callbackRetryMode,
      clock: d.clock,
    });
    return this.pusher;
  }

  private event(openid: string, event: string, eventKey: string, ticket?: TicketRecord): XmlBuildRecord {
    return {
      ToUserName: this.deps.accountId,
      FromUserName: openid,
      CreateTime: this.seconds(),
      MsgType: 'event',
      Event: event,
      EventKey: eventKey,
      Ticket: ticket?.ticket,
    };
  }

  private seconds(): number {
    return Math.floor(this.deps.clock.now() / 1000);
  }

  /** A 64-bit decimal message id, like WeChat's. */
  private msgId(): string {
    return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
  }
}
