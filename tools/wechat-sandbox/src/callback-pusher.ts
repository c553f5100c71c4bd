import { randomBytes } from 'node:crypto';
import {
  buildXml,
  CallbackSigner,
  Clock,
  parseXml,
  XmlBuildRecord,
  XmlRecord,
  xmlText,
  type CallbackMode,
  type SignedRequest,
} from '@mirror/wechat';

export type { CallbackMode };

/**
 * How a retry is signed: `same` sends the very same request again (same timestamp, nonce, signature and
 * body — nothing in WeChat's documentation says a retry changes them); `fresh-nonce` re-signs it with a new
 * timestamp and nonce. Gateways must accept both.
 */
export type CallbackRetryMode = 'same' | 'fresh-nonce';

/** One try at delivering a callback. */
export interface DeliveryAttempt {
  attempt: number;
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

/** The reply WeChat would show the customer, as understood by the sandbox. */
export interface ParsedReply {
  /** success / empty: nothing shown; text / news: a passive reply; other: some other XML; invalid: unusable. */
  type: 'success' | 'empty' | 'text' | 'news' | 'other' | 'invalid';
  raw: string;
  /** The reply XML after decryption (safe mode). */
  xml: string | null;
  fields: XmlRecord | null;
  /** Why WeChat would reject this reply; null when it is fine. */
  problem: string | null;
}

/** A callback the sandbox sent (all tries) and what came back. */
export interface Delivery {
  id: string;
  openid: string;
  kind: string;
  /** The plaintext callback XML (the same bytes on every try). */
  xml: string;
  attempts: DeliveryAttempt[];
  delivered: boolean;
  reply: ParsedReply | null;
}

export interface CallbackPusherOptions {
  url: string;
  token: string;
  appId: string;
  accountId: string;
  encodingAesKey: string | null;
  mode: CallbackMode;
  timeoutMs: number;
  tries: number;
  retryDelayMs: number;
  /** Default `same`. */
  retryMode?: CallbackRetryMode;
  clock: Clock;
}

/** POSTs signed (and encrypted) callback XML to the gateway the way WeChat does, retrying on silence. */
export class CallbackPusher {
  private readonly signer: CallbackSigner;

  constructor(private readonly options: CallbackPusherOptions) {
    this.signer = new CallbackSigner({
      token: options.token,
      appId: options.appId,
      encodingAesKey: options.encodingAesKey,
      accountId: options.accountId,
      clock: options.clock,
    });
    if (options.mode !== 'plain' && !options.encodingAesKey) {
      throw new Error(`callback mode "${options.mode}" needs an EncodingAESKey (SANDBOX_ENCODING_AES_KEY)`);
    }
  }

  /** Delivers one callback: up to `tries` attempts, each with its own timeout, same body every time. */
  async deliver(openid: string, kind: string, fields: XmlBuildRecord): Promise<Delivery> {
    const xml = buildXml(fields);
    const delivery: Delivery = {
      id: randomBytes(8).toString('hex'),
      openid,
      kind,
      xml,
      attempts: [],
      delivered: false,
      reply: null,
    };
    let request = this.signer.request(xml, { mode: this.options.mode, openid }, this.options.url);
    for (let attempt = 1; attempt <= this.options.tries; attempt++) {
      // The body is unchanged on every try; the timestamp and nonce only when asked to re-sign.
      if (attempt > 1 && this.options.retryMode === 'fresh-nonce') request = this.signer.resign(request);
      const result = await this.attempt(attempt, request);
      delivery.attempts.push(result);
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        delivery.delivered = true;
        delivery.reply = this.readReply(result.body ?? '', openid);
        break;
      }
      if (attempt < this.options.tries && this.options.retryDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
      }
    }
    return delivery;
  }

  private async attempt(attempt: number, request: SignedRequest): Promise<DeliveryAttempt> {
    const started = performance.now();
    try {
      const response = await fetch(request.path, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text();
      return { attempt, status: response.status, body: text, error: null, durationMs: elapsed(started) };
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError';
      const detail = timedOut
        ? `no answer within ${this.options.timeoutMs} ms`
        : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
      return { attempt, status: null, body: null, error: detail, durationMs: elapsed(started) };
    }
  }

  /** Reads a reply as WeChat would: decrypts it in safe mode and checks its addressing. */
  private readReply(raw: string, openid: string): ParsedReply {
    const trimmed = raw.trim();
    if (trimmed === '') return { type: 'empty', raw, xml: null, fields: null, problem: null };
    if (trimmed === 'success') return { type: 'success', raw, xml: null, fields: null, problem: null };
    const invalid = (problem: string, xml: string | null = null): ParsedReply => ({
      type: 'invalid',
      raw,
      xml,
      fields: null,
      problem,
    });
    let outer: XmlRecord;
    try {
      outer = parseXml(trimmed);
    } catch (error) {
      return invalid(`reply is neither "success" nor XML: ${(error as Error).message}`);
    }
    let xml = trimmed;
    let fields = outer;
    if (this.options.mode !== 'plain') {
      const encrypt = xmlText(outer, 'Encrypt');
      if (!encrypt) return invalid('safe mode needs an encrypted reply (no Encrypt element)');
      try {
        xml = this.signer.openReply(trimmed);
        fields = parseXml(xml);
      } catch (error) {
        return invalid(`encrypted reply rejected: ${(error as Error).message}`);
      }
    }
    const msgType = xmlText(fields, 'MsgType');
    let problem: string | null = null;
    if (xmlText(fields, 'ToUserName') !== openid)
      problem = 'ToUserName is not the customer who sent the callback';
    else if (xmlText(fields, 'FromUserName') !== this.options.accountId)
      problem = 'FromUserName is not the account id';
    else if (!/^\d+$/.test(xmlText(fields, 'CreateTime') ?? '')) problem = 'CreateTime is missing';
    const type = msgType === 'text' ? 'text' : msgType === 'news' ? 'news' : 'other';
    return { type: problem ? 'invalid' : type, raw, xml, fields, problem };
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
