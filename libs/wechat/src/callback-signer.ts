import { systemClock, type Clock } from './clock';
import { WeChatMessageCrypto } from './message-crypto';
import { computeMsgSignature, computeSignature, createNonce } from './signature';
import { buildXml, cdata, parseXml, xmlText, type XmlBuildRecord } from './xml';

/** How callbacks travel: plaintext, compatible (plaintext and Encrypt), or safe (Encrypt only). */
export type CallbackMode = 'plain' | 'compat' | 'safe';

export interface CallbackSignerOptions {
  /** The callback Token configured in the Official Account. */
  token: string;
  appId: string;
  /** The EncodingAESKey; without it only plaintext callbacks can be made. */
  encodingAesKey?: string | null;
  /** The account's original id (gh_…), the ToUserName of every callback. */
  accountId?: string;
  clock?: Clock;
}

/** Per-callback choices, including every way to get one part wrong (tests of the receiving side). */
export interface SignOptions {
  mode?: CallbackMode;
  timestamp?: string;
  nonce?: string;
  /** The `openid` query parameter WeChat adds (informational: receivers must not trust it). */
  openid?: string;
  /** Sign with this token instead (a forger's guess). */
  token?: string;
  /** Send this signature / msg_signature instead of the computed one. */
  signature?: string;
  msgSignature?: string;
  /** Encrypt under this AppID instead of ours. */
  appId?: string;
  /** Send this Encrypt value instead of the real ciphertext. */
  encrypt?: string;
}

/** A callback as WeChat sends it: the signed query parameters and the body. */
export interface SignedCallback {
  query: Record<string, string>;
  body: string;
}

/** The same callback as a request line: path with its query, and the body. */
export interface SignedRequest {
  path: string;
  body: string;
}

const ENCRYPT = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/;

/**
 * Signs (and in safe or compatible mode encrypts) callbacks exactly as WeChat's servers do: the one
 * implementation used by the sandbox, the demo, the benches and the gateway's tests.
 */
export class CallbackSigner {
  readonly token: string;
  readonly appId: string;
  readonly accountId: string;
  private readonly aesKey: string | null;
  private readonly clock: Clock;
  private readonly crypto: WeChatMessageCrypto | null;

  constructor(options: CallbackSignerOptions) {
    this.token = options.token;
    this.appId = options.appId;
    this.accountId = options.accountId ?? 'gh_5a9d0b1c2e3f';
    this.aesKey = options.encodingAesKey ?? null;
    this.clock = options.clock ?? systemClock;
    this.crypto = this.aesKey ? this.cryptoFor(this.token, this.appId) : null;
  }

  /** The mode used when a callback names none: safe with a key, plain without. */
  get defaultMode(): CallbackMode {
    return this.aesKey ? 'safe' : 'plain';
  }

  /** WeChat's timestamp for now: epoch seconds. */
  now(): string {
    return String(Math.floor(this.clock.now() / 1000));
  }

  /** The XML WeChat would send for these fields (ToUserName and CreateTime filled in). */
  xml(fields: XmlBuildRecord): string {
    return buildXml({ ToUserName: this.accountId, CreateTime: Number(this.now()), ...fields });
  }

  /** Signs `xml` as one callback. */
  sign(xml: string, options: SignOptions = {}): SignedCallback {
    const mode = options.mode ?? this.defaultMode;
    const token = options.token ?? this.token;
    const timestamp = options.timestamp ?? this.now();
    const nonce = options.nonce ?? createNonce(10);
    const query: Record<string, string> = {
      signature: options.signature ?? computeSignature(token, timestamp, nonce),
      timestamp,
      nonce,
      openid: options.openid ?? 'ignored-by-the-gateway',
    };
    if (mode === 'plain') return { query, body: xml };
    if (!this.aesKey) throw new Error(`callback mode "${mode}" needs an EncodingAESKey`);
    const crypto =
      token === this.token && !options.appId
        ? this.crypto!
        : this.cryptoFor(token, options.appId ?? this.appId);
    const encrypt = options.encrypt ?? crypto.encrypt(xml);
    query.encrypt_type = 'aes';
    query.msg_signature = options.msgSignature ?? computeMsgSignature(token, timestamp, nonce, encrypt);
    const body =
      mode === 'compat'
        ? xml.replace(/<\/xml>$/, `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`)
        : buildXml({ ToUserName: this.accountId, Encrypt: encrypt });
    return { query, body };
  }

  /** Signs `xml` as a request to `path` (the callback URL's path, `/wechat` by default). */
  request(xml: string, options: SignOptions = {}, path = '/wechat'): SignedRequest {
    const signed = this.sign(xml, options);
    return { path: `${path}?${new URLSearchParams(signed.query).toString()}`, body: signed.body };
  }

  /** A QR-scan event: `subscribe` with `qrscene_<scene>` for a new follower, else `SCAN`. */
  scan(openid: string, scene: string, firstTime: boolean, options: SignOptions = {}): SignedRequest {
    const xml = this.xml({
      FromUserName: openid,
      MsgType: 'event',
      Event: firstTime ? 'subscribe' : 'SCAN',
      EventKey: firstTime ? `qrscene_${scene}` : scene,
      Ticket: 'sandbox-ticket',
    });
    return this.request(xml, { openid, ...options });
  }

  /** The same body with a fresh timestamp, nonce and signatures: a retry with a new nonce. */
  resign(request: SignedRequest): SignedRequest {
    const [path, search = ''] = request.path.split('?');
    const query = new URLSearchParams(search);
    const timestamp = this.now();
    const nonce = createNonce(10);
    query.set('timestamp', timestamp);
    query.set('nonce', nonce);
    query.set('signature', computeSignature(this.token, timestamp, nonce));
    const encrypt = ENCRYPT.exec(request.body)?.[1];
    if (encrypt) query.set('msg_signature', computeMsgSignature(this.token, timestamp, nonce, encrypt));
    return { path: `${path}?${query.toString()}`, body: request.body };
  }

  /** Opens a safe-mode reply (checking its msg_signature) to the plaintext XML; other bodies come back as they are. */
  openReply(body: string): string {
    let outer;
    try {
      outer = parseXml(body.trim());
    } catch {
      return body;
    }
    const encrypt = xmlText(outer, 'Encrypt');
    if (!encrypt) return body;
    if (!this.crypto) throw new Error('an encrypted reply needs the EncodingAESKey to open');
    return this.crypto.open(encrypt, {
      msgSignature: xmlText(outer, 'MsgSignature'),
      timestamp: xmlText(outer, 'TimeStamp') ?? '',
      nonce: xmlText(outer, 'Nonce') ?? '',
    });
  }

  private cryptoFor(token: string, appId: string): WeChatMessageCrypto {
    return new WeChatMessageCrypto({ token, encodingAesKey: this.aesKey!, appId });
  }
}
