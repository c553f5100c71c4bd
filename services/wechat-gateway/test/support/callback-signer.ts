import {
  buildXml,
  cdata,
  computeMsgSignature,
  computeSignature,
  createNonce,
  WeChatMessageCrypto,
  type XmlBuildRecord,
} from '@mirror/wechat';

export type SignMode = 'plain' | 'compat' | 'safe';

export interface SignOptions {
  mode?: SignMode;
  timestamp?: string;
  nonce?: string;
  /** Sign with this token instead (a forger's guess). */
  token?: string;
  /** Replace the computed signature / msg_signature. */
  signature?: string;
  msgSignature?: string;
  /** Encrypt under this AppID instead of ours. */
  appId?: string;
  /** The Encrypt value to send instead of the real ciphertext. */
  encrypt?: string;
}

export interface SignedCallback {
  query: Record<string, string>;
  body: string;
}

/** Signs (and encrypts) callbacks exactly as WeChat does, with knobs to get every part wrong. */
export class CallbackSigner {
  constructor(
    readonly token: string,
    readonly appId: string,
    readonly aesKey: string | null,
    readonly accountId = 'gh_gatewaytest01',
  ) {}

  /** The XML WeChat would send for these fields (ToUserName and CreateTime filled in). */
  xml(fields: XmlBuildRecord): string {
    return buildXml({ ToUserName: this.accountId, CreateTime: Math.floor(Date.now() / 1000), ...fields });
  }

  now(): string {
    return String(Math.floor(Date.now() / 1000));
  }

  sign(xml: string, options: SignOptions = {}): SignedCallback {
    const mode = options.mode ?? (this.aesKey ? 'safe' : 'plain');
    const token = options.token ?? this.token;
    const timestamp = options.timestamp ?? this.now();
    const nonce = options.nonce ?? createNonce(10);
    const query: Record<string, string> = {
      signature: options.signature ?? computeSignature(token, timestamp, nonce),
      timestamp,
      nonce,
      openid: 'ignored-by-the-gateway',
    };
    if (mode === 'plain') return { query, body: xml };
    const crypto = new WeChatMessageCrypto({
      token,
      encodingAesKey: this.aesKey!,
      appId: options.appId ?? this.appId,
    });
    const encrypt = options.encrypt ?? crypto.encrypt(xml);
    query.encrypt_type = 'aes';
    query.msg_signature = options.msgSignature ?? computeMsgSignature(token, timestamp, nonce, encrypt);
    const body =
      mode === 'compat'
        ? xml.replace(/<\/xml>$/, `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`)
        : buildXml({ ToUserName: this.accountId, Encrypt: encrypt });
    return { query, body };
  }

  /** Opens a safe-mode reply (checking its msg_signature) to the plaintext reply XML. */
  openReply(body: string): string {
    const crypto = new WeChatMessageCrypto({
      token: this.token,
      encodingAesKey: this.aesKey!,
      appId: this.appId,
    });
    const field = (name: string) =>
      new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`)
        .exec(body)
        ?.slice(1)
        .find(Boolean) ?? '';
    return crypto.open(field('Encrypt'), {
      msgSignature: field('MsgSignature'),
      timestamp: field('TimeStamp'),
      nonce: field('Nonce'),
    });
  }
}
