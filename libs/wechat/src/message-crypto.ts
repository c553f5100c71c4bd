import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';
import {
  AppIdMismatchError,
  MessageDecryptionError,
  MsgSignatureMismatchError,
  WeChatConfigurationError,
} from './errors';
import { computeMsgSignature, createNonce, verifyMsgSignature } from './signature';
import { cdata } from './xml';

const BLOCK = 32; // WeChat pads to 32 bytes, not AES's 16.
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface MessageCryptoOptions {
  /** The callback Token configured in the Official Account. */
  token: string;
  /** The 43-character EncodingAESKey. */
  encodingAesKey: string;
  /** Our AppID; decrypted messages naming another one are refused. */
  appId: string;
  /** Random source for the 16-byte prefix (tests pass a fixed one). */
  randomBytes?: (size: number) => Buffer;
}

/** What an encrypted callback carries besides its body. */
export interface EncryptedCallbackQuery {
  msgSignature: string | undefined | null;
  timestamp: string;
  nonce: string;
}

/** A sealed (encrypted and signed) message: the Encrypt value and its msg_signature. */
export interface SealedMessage {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

/** WeChat's safe-mode message crypto: AES-256-CBC, IV = first 16 key bytes, PKCS#7 to 32 bytes. */
export class WeChatMessageCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly token: string;
  private readonly appIdBytes: Buffer;
  private readonly random: (size: number) => Buffer;

  constructor(options: MessageCryptoOptions) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(options.encodingAesKey)) {
      throw new WeChatConfigurationError(
        'EncodingAESKey must be exactly 43 base64 characters (letters or digits).',
      );
    }
    this.key = Buffer.from(`${options.encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) {
      throw new WeChatConfigurationError('EncodingAESKey does not decode to a 32-byte AES key.');
    }
    this.iv = this.key.subarray(0, 16);
    this.token = options.token;
    this.appIdBytes = Buffer.from(options.appId, 'utf8');
    this.random = options.randomBytes ?? pooledRandomBytes;
  }

  /** Encrypts `message` (usually XML) into WeChat's Base64 `Encrypt` value. */
  encrypt(message: string, random: Buffer = this.random(RANDOM_PREFIX)): string {
    if (random.length !== RANDOM_PREFIX) {
      throw new WeChatConfigurationError(`the random prefix must be ${RANDOM_PREFIX} bytes`);
    }
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_FIELD);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, this.appIdBytes]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([
      cipher.update(plain),
      cipher.update(Buffer.alloc(pad, pad)),
      cipher.final(),
    ]).toString('base64');
  }

  /** Decrypts an `Encrypt` value and checks the AppID inside; returns the message (XML). */
  decrypt(encrypt: string): string {
    const { message, appId } = this.decryptRaw(encrypt);
    if (appId.length !== this.appIdBytes.length || !timingSafeEqual(appId, this.appIdBytes)) {
      throw new AppIdMismatchError();
    }
    return message;
  }

  /** Verifies msg_signature, then decrypts: the whole inbound safe-mode check. */
  open(encrypt: string, query: EncryptedCallbackQuery): string {
    if (!verifyMsgSignature(this.token, query.timestamp, query.nonce, encrypt, query.msgSignature)) {
      throw new MsgSignatureMismatchError();
    }
    return this.decrypt(encrypt);
  }

  /** Encrypts and signs `message`, as WeChat does for callbacks and we do for replies. */
  seal(
    message: string,
    timestamp: string = String(Math.floor(Date.now() / 1000)),
    nonce: string = createNonce(10),
  ): SealedMessage {
    const encrypt = this.encrypt(message);
    return {
      encrypt,
      msgSignature: computeMsgSignature(this.token, timestamp, nonce, encrypt),
      timestamp,
      nonce,
    };
  }

  /** A safe-mode passive reply: `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`. */
  sealReply(replyXml: string, timestamp?: string, nonce?: string): string {
    const sealed = this.seal(replyXml, timestamp, nonce);
    return (
      `<xml><Encrypt>${cdata(sealed.encrypt)}</Encrypt><MsgSignature>${cdata(sealed.msgSignature)}</MsgSignature>` +
      `<TimeStamp>${sealed.timestamp}</TimeStamp><Nonce>${cdata(sealed.nonce)}</Nonce></xml>`
    );
  }

  private decryptRaw(encrypt: string): { message: string; appId: Buffer } {
    if (typeof encrypt !== 'string' || encrypt.length === 0 || !BASE64.test(encrypt)) {
      throw new MessageDecryptionError('Encrypt is not Base64');
    }
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % BLOCK !== 0) {
      throw new MessageDecryptionError(`ciphertext length ${data.length} is not a multiple of ${BLOCK}`);
    }
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch (cause) {
      throw new MessageDecryptionError(`AES failure (${(cause as Error).message})`);
    }
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new MessageDecryptionError('bad padding');
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new MessageDecryptionError('bad padding');
    }
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < RANDOM_PREFIX + LENGTH_FIELD) throw new MessageDecryptionError('payload too short');
    const length = content.readUInt32BE(RANDOM_PREFIX);
    const start = RANDOM_PREFIX + LENGTH_FIELD;
    if (length > content.length - start)
      throw new MessageDecryptionError('declared length exceeds the payload');
    const body = content.subarray(start, start + length);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let message: string;
    try {
      message = decoder.decode(body);
    } catch {
      throw new MessageDecryptionError('message is not UTF-8');
    }
    return { message, appId: content.subarray(start + length) };
  }
}
