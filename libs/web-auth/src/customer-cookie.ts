import { CookieExpiredError, CookieForgedError, WebAuthArgumentError } from './errors';
import { epochSeconds, parseBase36Seconds, tag, tagMatches } from './hmac';

/** Name of the cookie that tells the gateway which customer is browsing. */
export const CUSTOMER_COOKIE = 'mirror_customer';

// Domain separation: a tag made for another purpose with the same secret never verifies as a cookie.
const PURPOSE = 'mirror-cookie-v1';
const SUBJECT = /^[A-Za-z0-9_-]{1,128}$/;

/** What a genuine, unexpired cookie carries: the subject (the customer's openid) and its expiry (unix seconds). */
export interface CookieClaims {
  subject: string;
  exp: number;
}

export interface SignCookieOptions {
  /** Who the cookie names: the customer's openid. */
  subject: string;
  ttlSeconds: number;
  /** COOKIE_SECRET. */
  secret: string;
  /** Date or epoch milliseconds; defaults to now. */
  now?: Date | number;
}

/** Signs a cookie value `<subject>.<exp base36>.<tag>`; the tag is HMAC-SHA256 truncated to 16 bytes. */
export function signCookie(options: SignCookieOptions): string {
  if (!SUBJECT.test(options.subject)) {
    throw new WebAuthArgumentError('subject', 'must be 1-128 letters, digits, _ or -');
  }
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
    throw new WebAuthArgumentError('ttlSeconds', 'must be a positive whole number');
  }
  const exp = (epochSeconds(options.now) + options.ttlSeconds).toString(36);
  const body = `${options.subject}.${exp}`;
  return `${body}.${tag(options.secret, `${PURPOSE}.${body}`)}`;
}

/** Verifies a cookie value (constant-time); throws CookieForgedError or CookieExpiredError. */
export function verifyCookie(
  value: string | null | undefined,
  secret: string,
  now: Date | number = Date.now(),
): CookieClaims {
  if (typeof value !== 'string' || !value) throw new CookieForgedError('missing');
  const parts = value.split('.');
  if (parts.length !== 3) throw new CookieForgedError('malformed');
  const [subject, expText, presented] = parts;
  const exp = parseBase36Seconds(expText);
  if (!SUBJECT.test(subject) || exp === null) throw new CookieForgedError('malformed');
  if (!tagMatches(tag(secret, `${PURPOSE}.${subject}.${expText}`), presented)) {
    throw new CookieForgedError('bad signature');
  }
  if (exp < epochSeconds(now)) throw new CookieExpiredError(exp);
  return { subject, exp };
}

/** The openid named by a valid customer cookie in a `Cookie` request header, or null. */
export function customerFromCookieHeader(
  header: string | null | undefined,
  secret: string,
  now: Date | number = Date.now(),
): string | null {
  const value = readCookie(header, CUSTOMER_COOKIE);
  if (value === null) return null;
  try {
    return verifyCookie(value, secret, now).subject;
  } catch {
    return null;
  }
}

/** One cookie's value from a `Cookie` header (the first one of that name), or null. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return null;
}

export interface CustomerCookieOptions {
  maxAgeSeconds: number;
  /** Set on HTTPS deployments so the cookie never travels in clear. */
  secure: boolean;
  path?: string;
}

/** A `Set-Cookie` value for the customer cookie: HttpOnly, SameSite=Lax, Max-Age, Secure on HTTPS. */
export function customerCookieHeader(value: string, options: CustomerCookieOptions): string {
  const attributes = [
    `${CUSTOMER_COOKIE}=${value}`,
    `Path=${options.path ?? '/'}`,
    `Max-Age=${Math.floor(options.maxAgeSeconds)}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}
