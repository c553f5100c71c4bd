import {
  buildXml,
  computeMsgSignature,
  computeSignature,
  createNonce,
  WeChatMessageCrypto,
} from '@mirror/wechat';

/** Signs (and encrypts, safe mode) one scan callback exactly as WeChat sends it to the gateway. */
export class CallbackSigner {
  private readonly crypto: WeChatMessageCrypto;

  constructor(
    private readonly creds: { token: string; appId: string; encodingAesKey: string; accountId?: string },
  ) {
    this.crypto = new WeChatMessageCrypto({
      token: creds.token,
      encodingAesKey: creds.encodingAesKey,
      appId: creds.appId,
    });
  }

  scan(openid: string, scene: string, firstTime: boolean): { path: string; body: string } {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const xml = buildXml({
      ToUserName: this.creds.accountId ?? 'gh_5a9d0b1c2e3f',
      FromUserName: openid,
      CreateTime: Number(timestamp),
      MsgType: 'event',
      Event: firstTime ? 'subscribe' : 'SCAN',
      EventKey: firstTime ? `qrscene_${scene}` : scene,
      Ticket: 'bench-ticket',
    });
    const nonce = createNonce(12);
    const encrypt = this.crypto.encrypt(xml);
    const query =
      `signature=${computeSignature(this.creds.token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}` +
      `&openid=${openid}&encrypt_type=aes&msg_signature=${computeMsgSignature(this.creds.token, timestamp, nonce, encrypt)}`;
    return {
      path: `/wechat?${query}`,
      body: buildXml({ ToUserName: this.creds.accountId ?? 'gh_5a9d0b1c2e3f', Encrypt: encrypt }),
    };
  }

  /** The same callback body with a fresh timestamp, nonce and signatures: how WeChat retries. */
  resign(request: { path: string; body: string }): { path: string; body: string } {
    const query = new URLSearchParams(request.path.split('?')[1]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = createNonce(12);
    query.set('timestamp', timestamp);
    query.set('nonce', nonce);
    query.set('signature', computeSignature(this.creds.token, timestamp, nonce));
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(request.body)?.[1];
    if (encrypt) query.set('msg_signature', computeMsgSignature(this.creds.token, timestamp, nonce, encrypt));
    return { path: `/wechat?${query.toString()}`, body: request.body };
  }

  /** The decrypted reply XML of a safe-mode answer (or the body itself when it is not encrypted). */
  open(body: string): string {
    const m = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body);
    return m ? this.crypto.decrypt(m[1]) : body;
  }
}
