import {
  CUSTOMER_COOKIE,
  CookieExpiredError,
  CookieForgedError,
  WebAuthArgumentError,
  customerCookieHeader,
  customerFromCookieHeader,
  readCookie,
  signCookie,
  signOAuthState,
  verifyCookie,
} from '../src';

const SECRET = 'cookie-secret-0123456789';
const NOW = Date.parse('2025-01-01T00:00:00Z');
const OPENID = 'oAlice_0123456789';

describe('signCookie / verifyCookie', () => {
  it('names the customer until the cookie expires', () => {
    const sut = signCookie({ subject: OPENID, ttlSeconds: 3600, secret: SECRET, now: NOW });
    expect(verifyCookie(sut, SECRET, NOW + 3_600_000)).toEqual({ subject: OPENID, exp: NOW / 1000 + 3600 });
    expect(() => verifyCookie(sut, SECRET, NOW + 3_601_000)).toThrow(CookieExpiredError);
  });

  it('rejects a cookie naming another customer, signed with another secret, or tampered', () => {
    const sut = signCookie({ subject: OPENID, ttlSeconds: 3600, secret: SECRET, now: NOW });
    const [, exp, tag] = sut.split('.');
    expect(() => verifyCookie(`oMallory_0123456789.${exp}.${tag}`, SECRET, NOW)).toThrow(CookieForgedError);
    expect(() => verifyCookie(sut, 'another-secret-0123456', NOW)).toThrow(CookieForgedError);
    expect(() => verifyCookie(`${OPENID}.${exp}zz.${tag}`, SECRET, NOW)).toThrow(CookieForgedError);
    expect(() => verifyCookie('', SECRET, NOW)).toThrow(CookieForgedError);
    expect(() => verifyCookie('a.b', SECRET, NOW)).toThrow(CookieForgedError);
  });

  it('does not accept an OAuth state tag as a cookie, even under the same secret', () => {
    const state = signOAuthState({ scene: OPENID, ttlSeconds: 600, secret: SECRET, now: NOW });
    const [scene, exp, , tag] = state.split('.');
    expect(() => verifyCookie(`${scene}.${exp}.${tag}`, SECRET, NOW)).toThrow(CookieForgedError);
  });

  it('refuses to sign a subject that is not openid-shaped', () => {
    expect(() => signCookie({ subject: 'a.b', ttlSeconds: 60, secret: SECRET })).toThrow(
      WebAuthArgumentError,
    );
    expect(() => signCookie({ subject: OPENID, ttlSeconds: 60, secret: '' })).toThrow(WebAuthArgumentError);
  });
});

describe('customerFromCookieHeader', () => {
  const value = signCookie({ subject: OPENID, ttlSeconds: 3600, secret: SECRET, now: NOW });

  it('finds the customer among other cookies', () => {
    expect(customerFromCookieHeader(`a=1; ${CUSTOMER_COOKIE}=${value}; b=2`, SECRET, NOW)).toBe(OPENID);
  });

  it('gives null for a missing, forged or expired cookie', () => {
    expect(customerFromCookieHeader(undefined, SECRET, NOW)).toBeNull();
    expect(customerFromCookieHeader('a=1', SECRET, NOW)).toBeNull();
    expect(customerFromCookieHeader(`${CUSTOMER_COOKIE}=${value}x`, SECRET, NOW)).toBeNull();
    expect(customerFromCookieHeader(`${CUSTOMER_COOKIE}=${value}`, SECRET, NOW + 7_200_000)).toBeNull();
  });

  it('reads quoted values', () => {
    expect(readCookie('k="v"', 'k')).toBe('v');
  });
});

describe('customerCookieHeader', () => {
  it('is HttpOnly and SameSite=Lax, Secure only on HTTPS', () => {
    const plain = customerCookieHeader('v', { maxAgeSeconds: 60, secure: false });
    expect(plain).toBe(`${CUSTOMER_COOKIE}=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax`);
    expect(customerCookieHeader('v', { maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
  });
});
