import { WeChatCallbackError, type CallbackRejection } from '@mirror/wechat';

/** Every reason a callback is refused; stable strings, used as the metric label and in the log line. */
export type RejectionReason =
  | CallbackRejection
  | 'body-too-large'
  | 'stale-timestamp'
  | 'replayed-nonce'
  | 'bad-echostr'
  | 'invalid-event';

/** A callback the gateway refuses: a 4xx, a log line, a metric, nothing published. */
export class CallbackRejectedError extends Error {
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The HTTP status: 401 for anything that fails authentication, 413 for size, 400 otherwise. */
  get status(): number {
    return statusFor(this.reason);
  }

  /** Wraps a protocol error from @mirror/wechat, keeping its reason. */
  static from(error: WeChatCallbackError): CallbackRejectedError {
    return new CallbackRejectedError(error.reason, error.message);
  }
}

const UNAUTHENTICATED: ReadonlySet<RejectionReason> = new Set([
  'bad-signature',
  'bad-msg-signature',
  'stale-timestamp',
  'replayed-nonce',
]);

/** HTTP status of a rejection reason. */
export function statusFor(reason: RejectionReason): number {
  if (UNAUTHENTICATED.has(reason)) return 401;
  if (reason === 'body-too-large' || reason === 'xml-too-large') return 413;
  return 400;
}

/** The body is over the limit (declared or counted while reading). */
export class BodyTooLargeError extends CallbackRejectedError {
  constructor(bytes: number, limit: number) {
    super('body-too-large', `callback body of at least ${bytes} bytes exceeds the ${limit}-byte limit`);
  }
}

/** The timestamp is missing, not a number, or outside the accepted window. */
export class StaleTimestampError extends CallbackRejectedError {
  constructor(timestamp: string | undefined, windowSeconds: number) {
    super(
      'stale-timestamp',
      `timestamp ${JSON.stringify(timestamp ?? null)} is not within ±${windowSeconds} s of our clock; ` +
        'check the server clock (NTP) or WECHAT_TIMESTAMP_WINDOW_SECONDS',
    );
  }
}

/**
 * This exact timestamp and nonce were already used with another body (or by a GET verification): a replay.
 * WeChat repeating the identical request is a retry, not a replay, and is de-duplicated instead.
 */
export class ReplayedNonceError extends CallbackRejectedError {
  constructor() {
    super(
      'replayed-nonce',
      'timestamp and nonce were already used inside the window with another body: replayed request',
    );
  }
}

/** The callback is genuine but cannot become a valid domain event (e.g. an openid or scene out of shape). */
export class InvalidEventError extends CallbackRejectedError {
  constructor(subject: string, detail: string) {
    super('invalid-event', `callback does not make a valid ${subject} event: ${detail}`);
  }
}

/** The store of nonces and de-duplication keys (Redis) did not answer in time. */
export class GuardStoreUnavailableError extends Error {
  constructor(operation: string, detail: string) {
    super(`replay/de-duplication store unavailable during ${operation}: ${detail}`);
    this.name = 'GuardStoreUnavailableError';
  }
}

/** The durable event could not be published: answer 503 so WeChat retries. */
export class EventPublishFailedError extends Error {
  constructor(subject: string, cause: unknown) {
    super(
      `publishing ${subject} failed (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'WeChat will retry the callback',
      { cause },
    );
    this.name = 'EventPublishFailedError';
  }
}
