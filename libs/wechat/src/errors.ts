/** Base of every error thrown by @mirror/wechat. */
export class WeChatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Why an inbound callback was refused; stable strings, usable as a metric label. */
export type CallbackRejection =
  | 'bad-signature'
  | 'not-encrypted'
  | 'malformed-xml'
  | 'unsafe-xml'
  | 'xml-too-large'
  | 'invalid-message'
  | 'bad-msg-signature'
  | 'decrypt-failed'
  | 'appid-mismatch';

/**
 * Base of everything wrong with a request that came from outside (a callback body, its query).
 * Answer it with a 4xx; never a 500.
 */
export class WeChatCallbackError extends WeChatError {
  constructor(
    readonly reason: CallbackRejection,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The body is not well-formed XML (or not UTF-8, or has no single `<xml>` root). */
export class MalformedXmlError extends WeChatCallbackError {
  constructor(
    detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(
      'malformed-xml',
      `Malformed XML${line ? ` at line ${line}${column ? `, column ${column}` : ''}` : ''}: ${detail}. ` +
        'Send a well-formed UTF-8 document with a single <xml> root.',
    );
  }
}

/** The body declares a DOCTYPE or entities (XXE, billion laughs): refused without parsing. */
export class UnsafeXmlError extends WeChatCallbackError {
  constructor(readonly construct: string) {
    super('unsafe-xml', `XML with a ${construct} declaration is refused; WeChat never sends one.`);
  }
}

/** The body is larger than the parser accepts. */
export class XmlTooLargeError extends WeChatCallbackError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super('xml-too-large', `XML body of ${bytes} bytes exceeds the ${limit}-byte limit.`);
  }
}

/** Well-formed XML that is not a usable WeChat callback (a required field missing or of the wrong shape). */
export class InvalidCallbackMessageError extends WeChatCallbackError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super('invalid-message', `Callback field ${field} ${problem}.`);
  }
}

/** `signature` is missing or wrong. Deliberately vague: the answer must not help an attacker. */
export class SignatureMismatchError extends WeChatCallbackError {
  constructor() {
    super('bad-signature', 'signature does not match; check WECHAT_TOKEN.');
  }
}

/** A plaintext callback arrived while safe mode (an EncodingAESKey) is configured. */
export class UnencryptedCallbackError extends WeChatCallbackError {
  constructor() {
    super(
      'not-encrypted',
      'Safe mode is configured but the callback is not encrypted (encrypt_type=aes missing).',
    );
  }
}

/** `msg_signature` does not match the encrypted payload. */
export class MsgSignatureMismatchError extends WeChatCallbackError {
  constructor() {
    super('bad-msg-signature', 'msg_signature does not match the encrypted message; check WECHAT_TOKEN.');
  }
}

/** The AES payload cannot be decrypted or its layout is wrong. */
export class MessageDecryptionError extends WeChatCallbackError {
  constructor(detail: string) {
    super('decrypt-failed', `Encrypted message rejected: ${detail}. Check WECHAT_ENCODING_AES_KEY.`);
  }
}

/** The AppID inside the decrypted payload is not ours. */
export class AppIdMismatchError extends WeChatCallbackError {
  constructor() {
    super('appid-mismatch', 'The decrypted message names another AppID; check WECHAT_APP_ID.');
  }
}

/** A programming or configuration mistake (e.g. a bad EncodingAESKey) detected before any I/O. */
export class WeChatConfigurationError extends WeChatError {}

/** An argument that WeChat would reject, refused before any call is made. */
export class WeChatArgumentError extends WeChatError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}.`);
  }
}

/** A QR request that breaks one of WeChat's limits (scene id range, scene_str length, expiry). */
export class QrCodeLimitError extends WeChatArgumentError {}

/** WeChat answered with a non-zero `errcode`. */
export class WeChatApiError extends WeChatError {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly endpoint: string,
  ) {
    super(`WeChat ${endpoint} failed with errcode ${errcode}: ${errmsg}`);
  }

  /** True for the codes that mean "this access_token is no good" (40001, 40014, 42001). */
  get isTokenRejected(): boolean {
    return TOKEN_REJECTED_CODES.has(this.errcode);
  }
}

/** 45009: the daily quota of this API is used up. Retrying today is pointless. */
export class WeChatQuotaExceededError extends WeChatApiError {
  constructor(errmsg: string, endpoint: string) {
    super(45009, errmsg, endpoint);
    this.message =
      `WeChat ${endpoint} daily quota exceeded (errcode 45009: ${errmsg}). ` +
      'Wait for the daily reset or clear the quota in the Official Account admin console.';
  }
}

/** The codes that say the access_token used is invalid, malformed or expired. */
export const TOKEN_REJECTED_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat's "system busy, try later" code. */
export const BUSY_ERRCODE = -1;
/** WeChat's "daily quota exceeded" code. */
export const QUOTA_ERRCODE = 45009;

/** Builds the most specific API error for an errcode. */
export function apiErrorFor(errcode: number, errmsg: string, endpoint: string): WeChatApiError {
  return errcode === QUOTA_ERRCODE
    ? new WeChatQuotaExceededError(errmsg, endpoint)
    : new WeChatApiError(errcode, errmsg, endpoint);
}

export type TransportFailure = 'timeout' | 'network' | 'http-status' | 'bad-response';

/** The call never got a usable answer from WeChat: timeout, network failure, HTTP error or non-JSON body. */
export class WeChatTransportError extends WeChatError {
  constructor(
    readonly endpoint: string,
    readonly kind: TransportFailure,
    readonly detail: string,
    readonly status?: number,
  ) {
    super(`WeChat ${endpoint} ${kind}: ${detail}`);
  }
}

/** Redis (the shared token cache) did not answer in time or failed. */
export class TokenStoreUnavailableError extends WeChatError {
  constructor(operation: string, detail: string) {
    super(
      `The shared access_token cache (Redis) is unavailable during ${operation}: ${detail}. ` +
        'Calls needing a token fail until Redis is back.',
    );
  }
}

/** Another replica held the refresh lock and no token appeared before the wait deadline. */
export class TokenRefreshTimeoutError extends WeChatError {
  constructor(waitedMs: number) {
    super(
      `No access_token appeared within ${waitedMs} ms while another process was refreshing it; ` +
        'WeChat or Redis may be slow. Retry later.',
    );
  }
}

/** Replaces every occurrence of the given secrets in `text` with `***`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
