import type { Clock } from '@mirror/wechat';
import type { CallbackMode, CallbackRetryMode, ParsedReply } from './callback-pusher';
import type { Endpoint } from './call-log';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  appId?: string;
  appSecret?: string;
  /** The account's original id (gh_…), the ToUserName of callbacks. */
  accountId?: string;
  /** The callback Token shared with the gateway. */
  token?: string;
  /** With a key, callbacks are encrypted (safe mode unless `callbackMode` says otherwise). */
  encodingAesKey?: string | null;
  /** The gateway's /wechat URL; scans fail until it is set. */
  callbackUrl?: string | null;
  callbackMode?: CallbackMode;
  /** Per try; WeChat gives up on a try after 5 s. */
  callbackTimeoutMs?: number;
  /** Tries in all; WeChat makes 3. */
  callbackTries?: number;
  callbackRetryDelayMs?: number;
  /** `same` (default): a retry is the identical request; `fresh-nonce`: re-signed with a new timestamp and nonce. */
  callbackRetryMode?: CallbackRetryMode;
  /** access_token lifetime. Default 7200. */
  tokenTtlSeconds?: number;
  /** How long a token keeps working after a newer one was fetched. Default 5 minutes. */
  tokenGraceMs?: number;
  /** Daily quotas per endpoint (45009 beyond). None by default. */
  quotas?: Partial<Record<Endpoint, number>>;
  /** Customer-service window after the last interaction. Default 48 h. */
  customWindowMs?: number;
  /** Messages allowed within `burstWindowMs` after a scan or follow. Default 3 per 60 s. */
  burstLimit?: number;
  burstWindowMs?: number;
  oauthCodeTtlMs?: number;
  /** The openid that consents on the authorize page when the request does not name one. */
  oauthOpenid?: string | null;
  clock?: Clock;
}

/** Thrown by control actions that cannot happen (unknown ticket, no callback URL). */
export class SandboxActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxActionError';
  }
}

/** A reply the gateway gave to a callback. */
export interface RecordedReply {
  deliveryId: string;
  openid: string;
  kind: string;
  attempts: number;
  reply: ParsedReply;
}
