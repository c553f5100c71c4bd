import {
  AppIdMismatchError,
  buildTextReply,
  buildXml,
  callbackReplyBody,
  MessageDecryptionError,
  MsgSignatureMismatchError,
  openCallback,
  parseXml,
  SignatureMismatchError,
  signCallbackQuery,
  UnencryptedCallbackError,
  WeChatCallbackError,
  WeChatMessageCrypto,
} from '@mirror/wechat';
import fc from 'fast-check';

const TOKEN = 'pamtest';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP_ID = 'wxb11529c136998cb6';
const crypto = new WeChatMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: APP_ID });
const xml = buildXml({
  ToUserName: 'gh_account',
  FromUserName: 'oAlice',
  CreateTime: 1700000000,
  MsgType: 'event',
  Event: 'SCAN',
  EventKey: 'scene-1',
  Ticket: 'tk',
});

function sealed(plaintext = xml, sealer = crypto) {
  const query = signCallbackQuery(TOKEN, '1700000000', 'nonce1');
  const seal = sealer.seal(plaintext, query.timestamp, query.nonce);
  return {
    body: buildXml({ ToUserName: 'gh_account', Encrypt: seal.encrypt }),
    query: { ...query, encrypt_type: 'aes', msg_signature: seal.msgSignature },
  };
}

describe('openCallback', () => {
  it('opens a signed plaintext callback', () => {
    const sut = openCallback(xml, signCallbackQuery(TOKEN), { token: TOKEN });
    expect(sut).toMatchObject({ encrypted: false, message: { kind: 'scan', qr: { scene: 'scene-1' } } });
  });

  it.each([
    ['a wrong signature', { ...signCallbackQuery(TOKEN), signature: '0'.repeat(40) }],
    ['no signature', { timestamp: '1', nonce: 'n' }],
    ['a signature for another token', signCallbackQuery('another')],
  ])('refuses %s before reading the body', (_label, query) => {
    expect(() => openCallback('<not xml', query, { token: TOKEN })).toThrow(SignatureMismatchError);
  });

  it('opens an encrypted callback in safe mode', () => {
    const { body, query } = sealed();
    const sut = openCallback(body, query, { token: TOKEN, crypto });
    expect(sut).toMatchObject({ encrypted: true, xml, message: { kind: 'scan', openid: 'oAlice' } });
  });

  it('refuses a plaintext callback when safe mode is configured', () => {
    expect(() => openCallback(xml, signCallbackQuery(TOKEN), { token: TOKEN, crypto })).toThrow(
      UnencryptedCallbackError,
    );
  });

  it('refuses an Encrypt value that msg_signature does not cover', () => {
    const { body, query } = sealed();
    const other = sealed(xml.replace('scene-1', 'scene-2'));
    expect(() => openCallback(other.body, query, { token: TOKEN, crypto })).toThrow(
      MsgSignatureMismatchError,
    );
    expect(() =>
      openCallback(body, { ...query, msg_signature: undefined }, { token: TOKEN, crypto }),
    ).toThrow(MsgSignatureMismatchError);
  });

  it('refuses a message encrypted for another AppID', () => {
    const foreign = new WeChatMessageCrypto({
      token: TOKEN,
      encodingAesKey: KEY,
      appId: 'wx0000000000000000',
    });
    const { body, query } = sealed(xml, foreign);
    expect(() => openCallback(body, query, { token: TOKEN, crypto })).toThrow(AppIdMismatchError);
  });

  it('reads the plaintext of a compatible-mode callback when no key is configured', () => {
    const { query } = sealed();
    const compat = xml.replace('</xml>', '<Encrypt><![CDATA[abc]]></Encrypt></xml>');
    expect(openCallback(compat, query, { token: TOKEN }).message).toMatchObject({ kind: 'scan' });
  });

  it('refuses an encrypt-only callback when no key is configured', () => {
    const { body, query } = sealed();
    expect(() => openCallback(body, query, { token: TOKEN })).toThrow(MessageDecryptionError);
  });

  it('never throws anything but a typed error for any body with a valid signature', () => {
    const query = signCallbackQuery(TOKEN);
    fc.assert(
      fc.property(fc.fullUnicodeString({ maxLength: 300 }), fc.boolean(), (body, safe) => {
        try {
          openCallback(body, safe ? { ...query, encrypt_type: 'aes', msg_signature: 'x' } : query, {
            token: TOKEN,
            crypto: safe ? crypto : null,
          });
        } catch (error) {
          if (!(error instanceof WeChatCallbackError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('callbackReplyBody', () => {
  const reply = buildTextReply({ toUser: 'oAlice', fromUser: 'gh_account', createTime: 1, content: 'hi' });

  it('passes plaintext replies through', () => {
    expect(callbackReplyBody(reply)).toBe(reply);
  });

  it('seals replies in safe mode', () => {
    const envelope = parseXml(callbackReplyBody(reply, crypto));
    expect(
      crypto.open(envelope.Encrypt as string, {
        msgSignature: envelope.MsgSignature as string,
        timestamp: envelope.TimeStamp as string,
        nonce: envelope.Nonce as string,
      }),
    ).toBe(reply);
  });
});
