import {
  AppIdMismatchError,
  computeMsgSignature,
  MessageDecryptionError,
  MsgSignatureMismatchError,
  parseXml,
  WeChatConfigurationError,
  WeChatMessageCrypto,
} from '@mirror/wechat';
import { createCipheriv } from 'node:crypto';

// WxJava's published sample.
const TOKEN = 'pamtest';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP_ID = 'wxb11529c136998cb6';
const PLAINTEXT = '我是中文abcd123';
const RANDOM = Buffer.from('aaaabbbbccccdddd');
const CIPHERTEXT = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';

function aes(plain: Buffer): string {
  const key = Buffer.from(`${KEY}=`, 'base64');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

describe(WeChatMessageCrypto.name, () => {
  const sut = new WeChatMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: APP_ID });

  it('encrypts the published sample to the published ciphertext', () => {
    expect(sut.encrypt(PLAINTEXT, RANDOM)).toBe(CIPHERTEXT);
  });

  it('decrypts the published ciphertext', () => {
    expect(sut.decrypt(CIPHERTEXT)).toBe(PLAINTEXT);
  });

  it('round-trips XML with a random prefix', () => {
    const xml = '<xml><Content><![CDATA[你好 ]]]]><![CDATA[> world]]></Content></xml>';
    const encrypted = sut.encrypt(xml);
    expect(sut.encrypt(xml)).not.toBe(encrypted);
    expect(sut.decrypt(encrypted)).toBe(xml);
  });

  it.each([0, 1, 15, 16, 31, 32, 33, 100])('pads a %i-byte message to a multiple of 32', (size) => {
    const message = 'x'.repeat(size);
    const encrypted = Buffer.from(sut.encrypt(message), 'base64');
    expect(encrypted.length % 32).toBe(0);
    expect(sut.decrypt(encrypted.toString('base64'))).toBe(message);
  });

  it('refuses a message for another AppID', () => {
    const other = new WeChatMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: 'wx0000000000000000' });
    expect(() => sut.decrypt(other.encrypt(PLAINTEXT))).toThrow(AppIdMismatchError);
  });

  it.each([
    ['not Base64', '***not base64***'],
    ['empty', ''],
    ['not a whole number of blocks', Buffer.alloc(20).toString('base64')],
  ])('refuses ciphertext that is %s', (_label, encrypt) => {
    expect(() => sut.decrypt(encrypt)).toThrow(MessageDecryptionError);
  });

  it('refuses ciphertext with bad padding', () => {
    const plain = Buffer.concat([RANDOM, Buffer.from([0, 0, 0, 1]), Buffer.from('x'), Buffer.alloc(11, 0)]);
    expect(() => sut.decrypt(aes(plain))).toThrow(MessageDecryptionError);
  });

  it('refuses a declared length longer than the payload', () => {
    const body = Buffer.concat([RANDOM, Buffer.from([0, 0, 1, 0]), Buffer.from('short')]);
    const pad = 32 - (body.length % 32);
    expect(() => sut.decrypt(aes(Buffer.concat([body, Buffer.alloc(pad, pad)])))).toThrow(/declared length/);
  });

  it('refuses a key that is not 43 characters', () => {
    expect(() => new WeChatMessageCrypto({ token: TOKEN, encodingAesKey: 'short', appId: APP_ID })).toThrow(
      WeChatConfigurationError,
    );
  });

  it('opens a sealed message after checking msg_signature', () => {
    const sealed = sut.seal('<xml/>', '1409304348', 'nonce1');
    expect(sealed.msgSignature).toBe(computeMsgSignature(TOKEN, '1409304348', 'nonce1', sealed.encrypt));
    expect(
      sut.open(sealed.encrypt, {
        msgSignature: sealed.msgSignature,
        timestamp: '1409304348',
        nonce: 'nonce1',
      }),
    ).toBe('<xml/>');
  });

  it('refuses to open a message whose msg_signature does not match', () => {
    const sealed = sut.seal('<xml/>', '1409304348', 'nonce1');
    expect(() =>
      sut.open(sealed.encrypt, {
        msgSignature: sealed.msgSignature,
        timestamp: '1409304349',
        nonce: 'nonce1',
      }),
    ).toThrow(MsgSignatureMismatchError);
  });

  it('builds an encrypted passive reply a receiver can verify and decrypt', () => {
    const reply = parseXml(
      sut.sealReply('<xml><Content><![CDATA[hi]]></Content></xml>', '1700000000', 'n0nce'),
    );
    expect(reply.TimeStamp).toBe('1700000000');
    expect(reply.Nonce).toBe('n0nce');
    const opened = sut.open(reply.Encrypt as string, {
      msgSignature: reply.MsgSignature as string,
      timestamp: '1700000000',
      nonce: 'n0nce',
    });
    expect(opened).toBe('<xml><Content><![CDATA[hi]]></Content></xml>');
  });
});
