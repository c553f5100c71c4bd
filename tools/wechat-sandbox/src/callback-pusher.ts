import { randomBytes } from 'node:crypto';
import {
  buildXml,
  cdata,
  Clock,
  computeMsgSignature,
  computeSignature,
  createNonce,
  parseXml,
  WeChatMessageCrypto,
  XmlBuildRecord,
  XmlRecord,
  xmlText,
} from '@mirror/wechat';

/** How callbacks travel: plaintext, compatible (both), or safe (encrypted only). */
export type CallbackMode = 'plain' | 'compat' | 'safe';

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
  clock: Clock;
}

/** POSTs signed (and encrypted) callback XML to the gateway the way WeChat does, retrying on silence. */
export class CallbackPusher {
  private readonly crypto: WeChatMessageCrypto | null;

  constructor(private readonly options: CallbackPusherOptions) {
    this.crypto = options.encodingAesKey
      ? new WeChatMessageCrypto({
          token: options.token,
          encodingAesKey: options.encodingAesKey,
          appId: options.appId,
        })
      : null;
    if (options.mode !== 'plain' && !this.crypto) {
      throw new Error(`callback mode "${options.mode}" needs an EncodingAESKey (SANDBOX_ENCODING_AES_KEY)`);
    }
  }

  /** Delivers one callback: up to `tries` attempts, each with its own timeout, same body every time. */
  async deliver(openid: string, kind: string, fields: XmlBuildRecord): Promise<Delivery> {
    const xml = buildXml(fields);
    const encrypt = this.options.mode === 'plain' ? null : this.crypto!.encrypt(xml);
    const delivery: Delivery = {
      id: randomBytes(8).toString('hex'),
      openid,
      kind,
      xml,
      attempts: [],
      delivered: false,
      reply: null,
    };
    for (let attempt = 1; attempt <= this.options.tries; attempt++) {
      const result = await this.attempt(attempt, openid, xml, encrypt);
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

  private async attempt(
    attempt: number,
    openid: string,
    xml: string,
    encrypt: string | null,
  ): Promise<DeliveryAttempt> {
    // A fresh timestamp and nonce per try (so a nonce replay guard lets retries through); the body is unchanged.
    const timestamp = String(Math.floor(this.options.clock.now() / 1000));
    const nonce = createNonce(10);
    const url = new URL(this.options.url);
    url.searchParams.set('signature', computeSignature(this.options.token, timestamp, nonce));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('openid', openid);
    let body = xml;
    if (encrypt !== null) {
      url.searchParams.set('encrypt_type', 'aes');
      url.searchParams.set(
        'msg_signature',
        computeMsgSignature(this.options.token, timestamp, nonce, encrypt),
      );
      const envelope = buildXml({ ToUserName: this.options.accountId, Encrypt: encrypt });
      // Compatible mode sends the plaintext fields alongside the Encrypt element.
      body =
        this.options.mode === 'compat'
          ? xml.replace(/<\/xml>$/, `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`)
          : envelope;
    }
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body,
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
        xml = this.crypto!.open(encrypt, {
          msgSignature: xmlText(outer, 'MsgSignature'),
          timestamp: xmlText(outer, 'TimeStamp') ?? '',
          nonce: xmlText(outer, 'Nonce') ?? '',
        });
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
