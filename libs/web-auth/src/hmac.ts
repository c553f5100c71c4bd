import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebAuthArgumentError } from './errors';

/** Bytes of the truncated HMAC-SHA256 tag: 128 bits is plenty for a MAC and keeps `state` short. */
export const TAG_BYTES = 16;
/** Length of a base64url-encoded tag. */
export const TAG_CHARS = Math.ceil((TAG_BYTES * 4) / 3);

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** HMAC-SHA256(secret, input) truncated to TAG_BYTES, base64url without padding. */
export function tag(secret: string, input: string): string {
  if (!secret) throw new WebAuthArgumentError('secret', 'must not be empty');
  return createHmac('sha256', secret)
    .update(input, 'utf8')
    .digest()
    .subarray(0, TAG_BYTES)
    .toString('base64url');
}

/** Compares a presented tag with the expected one in constant time. */
export function tagMatches(expected: string, presented: string): boolean {
  if (presented.length !== TAG_CHARS || !BASE64URL.test(presented)) return false;
  const a = Buffer.from(expected, 'base64url');
  const b = Buffer.from(presented, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Seconds since the epoch. `now` is a Date or epoch milliseconds; a number below 1e11 is taken as seconds. */
export function epochSeconds(now: Date | number = Date.now()): number {
  const value = now instanceof Date ? now.getTime() : now;
  if (!Number.isFinite(value)) throw new WebAuthArgumentError('now', 'must be a Date or a finite number');
  // Guard against a caller passing seconds: read as milliseconds they would date back to 1970 and
  // make every expired token look fresh.
  return Math.floor(value < 1e11 ? value : value / 1000);
}

/** Parses a base36 unix time written by us; null when it is not one. */
export function parseBase36Seconds(text: string): number | null {
  if (!/^[0-9a-z]{1,11}$/.test(text)) return null;
  const value = parseInt(text, 36);
  return Number.isSafeInteger(value) ? value : null;
}
