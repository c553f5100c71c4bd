import { createHash, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

/** SHA-1 hex of the lexicographically sorted, concatenated parts (WeChat's signature scheme). */
export function sha1OfSorted(parts: readonly string[]): string {
  // WeChat sorts by byte value; for the ASCII inputs it sends, UTF-16 order is the same.
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The `signature` WeChat puts on every callback: SHA-1 of sorted [token, timestamp, nonce]. */
export function computeSignature(token: string, timestamp: string, nonce: string): string {
  return sha1OfSorted([token, timestamp, nonce]);
}

/** The safe-mode `msg_signature`: SHA-1 of sorted [token, timestamp, nonce, Encrypt]. */
export function computeMsgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): string {
  return sha1OfSorted([token, timestamp, nonce, encrypt]);
}

/** Compares two hex digests in constant time (length mismatch is still compared, then rejected). */
export function digestsEqual(expected: string, actual: string | undefined | null): boolean {
  const a = Buffer.from(expected, 'utf8');
  const candidate = typeof actual === 'string' ? actual.toLowerCase() : '';
  const b = Buffer.from(candidate, 'utf8');
  if (a.length !== b.length) {
    // Burn the same work so the timing does not reveal the expected length.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Query parameters WeChat signs a callback with. */
export interface SignedQuery {
  signature?: string | null;
  timestamp?: string | null;
  nonce?: string | null;
}

/** True when `signature` is right for this token, timestamp and nonce (constant-time). */
export function verifySignature(token: string, query: SignedQuery): boolean {
  if (typeof query.timestamp !== 'string' || typeof query.nonce !== 'string') return false;
  return digestsEqual(computeSignature(token, query.timestamp, query.nonce), query.signature);
}

/** True when `msg_signature` is right for this token, timestamp, nonce and Encrypt value (constant-time). */
export function verifyMsgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  msgSignature: string | undefined | null,
): boolean {
  return digestsEqual(computeMsgSignature(token, timestamp, nonce, encrypt), msgSignature);
}

/** A random nonce of digits and letters, like the ones WeChat uses. */
export function createNonce(length = 16): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = pooledRandomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** Signs a callback the way WeChat does: returns the query parameters to append. */
export function signCallbackQuery(
  token: string,
  timestamp: string = String(Math.floor(Date.now() / 1000)),
  nonce: string = createNonce(10),
): { signature: string; timestamp: string; nonce: string } {
  return { signature: computeSignature(token, timestamp, nonce), timestamp, nonce };
}
