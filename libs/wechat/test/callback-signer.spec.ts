import {
  AppIdMismatchError,
  CallbackSigner,
  ManualClock,
  MessageDecryptionError,
  MsgSignatureMismatchError,
  SignatureMismatchError,
  WeChatMessageCrypto,
  buildTextReply,
  callbackReplyBody,
  computeMsgSignature,
  computeSignature,
  openCallback,
  type SignedRequest,
} from '@mirror/wechat';

const token = 'signer-test-token';
const appId = 'wx0123456789abcdef';
const encodingAesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const crypto = new WeChatMessageCrypto({ token, encodingAesKey, appId });
const scanFields = { FromUserName: 'oCustomer1', MsgType: 'event', Event: 'SCAN', EventKey: 'scene-1' };

const queryOf = (request: SignedRequest) =>
  Object.fromEntries(new URL(`http://x${request.path}`).searchParams);

describe(CallbackSigner.name, () => {
  const sut = new CallbackSigner({ token, appId, encodingAesKey, accountId: 'gh_signer' });

  it.each(['plain', 'compat', 'safe'] as const)('makes %s callbacks the receiving side accepts', (mode) => {
    const signed = sut.sign(sut.xml(scanFields), { mode });
    const opened = openCallback(signed.body, signed.query, {
      token,
      crypto: mode === 'plain' ? null : crypto,
    });
    expect(opened.encrypted).toBe(mode !== 'plain');
    expect(opened.message).toMatchObject({ openid: 'oCustomer1', toUserName: 'gh_signer', kind: 'scan' });
  });

  it('makes a scan event of a new follower with the qrscene_ prefix', () => {
    const request = sut.scan('oNew', 'scene-9', true);
    const opened = openCallback(request.body, queryOf(request), { token, crypto });
    expect(opened.xml).toContain('<EventKey><![CDATA[qrscene_scene-9]]></EventKey>');
    expect(opened.xml).toContain('<Event><![CDATA[subscribe]]></Event>');
  });

  it('re-signs a retry with a fresh nonce and the same body, and it still verifies', () => {
    const first = sut.scan('oRetry', 'scene-2', false);
    const retry = sut.resign(first);
    expect(retry.body).toBe(first.body);
    expect(queryOf(retry).nonce).not.toBe(queryOf(first).nonce);
    expect(() => openCallback(retry.body, queryOf(retry), { token, crypto })).not.toThrow();
  });

  it('gets each part wrong when told to, and the receiving side refuses it', () => {
    const xml = sut.xml(scanFields);
    const open = (options: Parameters<CallbackSigner['sign']>[1]) => {
      const signed = sut.sign(xml, options);
      return () => openCallback(signed.body, signed.query, { token, crypto });
    };
    expect(open({ signature: '0'.repeat(40) })).toThrow(SignatureMismatchError);
    expect(open({ token: 'a-forgers-guess' })).toThrow(SignatureMismatchError);
    expect(open({ msgSignature: '0'.repeat(40) })).toThrow(MsgSignatureMismatchError);
    expect(open({ appId: 'wxsomeoneelse00000' })).toThrow(AppIdMismatchError);
    // A given Encrypt value is signed as it is, so it gets past msg_signature and fails to decrypt.
    expect(open({ encrypt: Buffer.alloc(48, 7).toString('base64') })).toThrow(MessageDecryptionError);
    expect(open({ encrypt: 'not base64 at all!' })).toThrow(MessageDecryptionError);
  });

  it('builds the query and body WeChat sends in each mode, with a given timestamp, nonce and openid', () => {
    const xml = sut.xml(scanFields);
    const fixed = { timestamp: '1767225600', nonce: 'n0nce', openid: 'oCustomer1' };
    const plain = sut.sign(xml, { mode: 'plain', ...fixed });
    expect(plain).toEqual({
      query: { signature: computeSignature(token, '1767225600', 'n0nce'), ...fixed },
      body: xml,
    });
    const safe = sut.sign(xml, { mode: 'safe', ...fixed });
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(safe.body)![1];
    expect(safe.body).toBe(
      `<xml><ToUserName><![CDATA[gh_signer]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    );
    expect(safe.query).toEqual({
      ...plain.query,
      encrypt_type: 'aes',
      msg_signature: computeMsgSignature(token, '1767225600', 'n0nce', encrypt),
    });
    const compat = sut.sign(xml, { mode: 'compat', ...fixed });
    expect(compat.body.startsWith(xml.replace(/<\/xml>$/, '<Encrypt>'))).toBe(true);
    expect(sut.defaultMode).toBe('safe');
    expect(new CallbackSigner({ token, appId }).defaultMode).toBe('plain');
  });

  it('uses its clock for the timestamp', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const signer = new CallbackSigner({ token, appId, clock });
    expect(signer.sign('<xml></xml>').query.timestamp).toBe(String(Date.UTC(2026, 0, 1) / 1000));
  });

  it('opens a safe-mode reply and passes other bodies through', () => {
    const reply = buildTextReply({ toUser: 'oCustomer1', fromUser: 'gh_signer', content: '你好' });
    expect(sut.openReply(callbackReplyBody(reply, crypto))).toBe(reply);
    expect(sut.openReply('success')).toBe('success');
  });

  it('refuses a safe-mode reply whose MsgSignature does not match', () => {
    const sealed = callbackReplyBody(
      buildTextReply({ toUser: 'o1', fromUser: 'gh_signer', content: 'x' }),
      crypto,
    );
    const forged = sealed.replace(
      /<MsgSignature><!\[CDATA\[[0-9a-f]+\]\]>/,
      `<MsgSignature><![CDATA[${'0'.repeat(40)}]]>`,
    );
    expect(forged).not.toBe(sealed);
    expect(() => sut.openReply(forged)).toThrow(MsgSignatureMismatchError);
  });

  it('refuses an encrypted mode without an EncodingAESKey', () => {
    const plainOnly = new CallbackSigner({ token, appId });
    expect(() => plainOnly.sign('<xml></xml>', { mode: 'safe' })).toThrow(/EncodingAESKey/);
  });
});
