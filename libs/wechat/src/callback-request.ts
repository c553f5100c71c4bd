import { CallbackMessage, callbackMessageFromRecord } from './callback-message';
import { MessageDecryptionError, SignatureMismatchError, UnencryptedCallbackError } from './errors';
import { WeChatMessageCrypto } from './message-crypto';
import { verifySignature } from './signature';
import { parseXml, ParseXmlOptions, xmlText } from './xml';

/** The query string WeChat puts on a callback POST. */
export interface CallbackQuery {
  signature?: string | null;
  timestamp?: string | null;
  nonce?: string | null;
  encrypt_type?: string | null;
  msg_signature?: string | null;
}

export interface OpenCallbackOptions extends ParseXmlOptions {
  /** The callback Token. */
  token: string;
  /** Present when an EncodingAESKey is configured: safe mode, encrypted callbacks only. */
  crypto?: WeChatMessageCrypto | null;
}

/** A verified callback: the message, the plaintext XML, and whether it came encrypted. */
export interface OpenedCallback {
  message: CallbackMessage;
  xml: string;
  encrypted: boolean;
}

/**
 * Everything the callback URL must check, in order: `signature` (always, constant-time), then in
 * safe mode `msg_signature`, AES decryption and the AppID, then the XML. Throws only WeChatCallbackError
 * subclasses; the caller answers 4xx. The timestamp/nonce replay guard is the caller's.
 */
export function openCallback(
  body: string | Buffer | Uint8Array,
  query: CallbackQuery,
  options: OpenCallbackOptions,
): OpenedCallback {
  if (!verifySignature(options.token, query)) throw new SignatureMismatchError();
  const outer = parseXml(body, options);
  if (!options.crypto) {
    if (query.encrypt_type === 'aes' && !Object.hasOwn(outer, 'MsgType')) {
      throw new MessageDecryptionError('the callback is encrypted but no EncodingAESKey is configured');
    }
    // Compatible mode carries the plaintext fields too; without a key those are what we read.
    const xml = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    return { message: callbackMessageFromRecord(outer), xml, encrypted: false };
  }
  if (query.encrypt_type !== 'aes') throw new UnencryptedCallbackError();
  const encrypt = xmlText(outer, 'Encrypt');
  if (!encrypt) throw new MessageDecryptionError('the Encrypt element is missing');
  const xml = options.crypto.open(encrypt, {
    msgSignature: query.msg_signature,
    timestamp: query.timestamp ?? '',
    nonce: query.nonce ?? '',
  });
  return { message: callbackMessageFromRecord(parseXml(xml, options)), xml, encrypted: true };
}

/** The body to answer a callback with: the reply XML, sealed in safe mode. */
export function callbackReplyBody(replyXml: string, crypto?: WeChatMessageCrypto | null): string {
  return crypto ? crypto.sealReply(replyXml) : replyXml;
}
