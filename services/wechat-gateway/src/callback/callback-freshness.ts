import type { CallbackQuery } from '@mirror/wechat';
import { CallbackRejectedError, StaleTimestampError } from './callback.errors';

const NONCE = /^[\x21-\x7e]{1,128}$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * The signed `timestamp` and `nonce` of a callback, once the timestamp is a number of seconds within
 * `windowSeconds` of `nowMs` and the nonce is printable ASCII: what the replay guard remembers.
 */
export function freshTimestampAndNonce(
  query: CallbackQuery,
  nowMs: number,
  windowSeconds: number,
): { timestamp: string; nonce: string } {
  const { timestamp, nonce } = query;
  if (typeof timestamp !== 'string' || !TIMESTAMP.test(timestamp)) {
    throw new StaleTimestampError(timestamp ?? undefined, windowSeconds);
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > windowSeconds) {
    throw new StaleTimestampError(timestamp, windowSeconds);
  }
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) {
    throw new CallbackRejectedError(
      'bad-signature',
      'nonce is missing or not printable ASCII of 1-128 characters',
    );
  }
  return { timestamp, nonce };
}
