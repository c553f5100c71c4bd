import { createHmac } from 'node:crypto';
import {
  OAUTH_STATE_MAX_LENGTH,
  StateExpiredError,
  StateForgedError,
  WebAuthArgumentError,
  signOAuthState,
  verifyOAuthState,
} from '../src';

const SECRET = 'state-secret-0123456789';
const NOW = new Date('2025-01-01T00:00:00Z');
const sign = (scene = 'sc3neToken_abc', ttlSeconds = 600, now: Date | number = NOW) =>
  signOAuthState({ scene, ttlSeconds, secret: SECRET, now });

describe('signOAuthState / verifyOAuthState', () => {
  it('builds <scene>.<exp base36>.<nonce>.<tag> with the agreed HMAC input', () => {
    const nonce = Buffer.from('0102030405060708', 'hex');
    const sut = signOAuthState({ scene: 'abc', ttlSeconds: 60, secret: SECRET, now: NOW, nonce });
    const exp = (NOW.getTime() / 1000 + 60).toString(36);
    const body = `abc.${exp}.${nonce.toString('base64url')}`;
    const expectedTag = createHmac('sha256', SECRET)
      .update(body)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(sut).toBe(`${body}.${expectedTag}`);
    expect(sut).toMatch(/^[A-Za-z0-9._~-]+$/);
  });

  it('returns the scene, expiry and nonce of a genuine state', () => {
    const state = sign();
    const claims = verifyOAuthState(state, SECRET, NOW);
    expect(claims.scene).toBe('sc3neToken_abc');
    expect(claims.exp).toBe(NOW.getTime() / 1000 + 600);
    expect(claims.nonce).toHaveLength(11);
  });

  it('gives a fresh nonce to every state', () => {
    expect(verifyOAuthState(sign(), SECRET, NOW).nonce).not.toBe(verifyOAuthState(sign(), SECRET, NOW).nonce);
  });

  it('keeps a scene that contains dots intact', () => {
    expect(verifyOAuthState(sign('a.b.c'), SECRET, NOW).scene).toBe('a.b.c');
  });

  it('fits a 64-character scene in WeChat 128-character limit', () => {
    const state = sign('s'.repeat(64));
    expect(state.length).toBeLessThanOrEqual(OAUTH_STATE_MAX_LENGTH);
    expect(verifyOAuthState(state, SECRET, NOW).scene).toBe('s'.repeat(64));
  });

  it('rejects an expired state', () => {
    const state = sign('abc', 60);
    expect(() => verifyOAuthState(state, SECRET, NOW.getTime() + 61_000)).toThrow(StateExpiredError);
  });

  it('accepts a state up to its expiry second', () => {
    const state = sign('abc', 60);
    expect(verifyOAuthState(state, SECRET, NOW.getTime() + 60_000).scene).toBe('abc');
  });

  it('reads a numeric now given in seconds as seconds, never as 1970 milliseconds', () => {
    const state = sign('abc', 60);
    expect(() => verifyOAuthState(state, SECRET, NOW.getTime() / 1000 + 61)).toThrow(StateExpiredError);
  });

  it('rejects a state signed with another secret', () => {
    const state = signOAuthState({ scene: 'abc', ttlSeconds: 60, secret: 'other-secret-xxxxxxxx', now: NOW });
    expect(() => verifyOAuthState(state, SECRET, NOW)).toThrow(StateForgedError);
  });

  it('rejects a state whose scene, expiry or nonce was changed', () => {
    const [scene, exp, nonce, tag] = sign('abc').split('.');
    const later = (parseInt(exp, 36) + 3600).toString(36);
    for (const forged of [
      `abd.${exp}.${nonce}.${tag}`,
      `abc.${later}.${nonce}.${tag}`,
      `abc.${exp}.${nonce.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}.${tag}`,
      `x.${scene}.${exp}.${nonce}.${tag}`,
    ]) {
      expect(() => verifyOAuthState(forged, SECRET, NOW)).toThrow(StateForgedError);
    }
  });

  it('checks the signature before the expiry, so a forged expired state is forged', () => {
    const [, exp, nonce] = sign('abc', 1).split('.');
    expect(() =>
      verifyOAuthState(`abc.${exp}.${nonce}.${'A'.repeat(22)}`, SECRET, NOW.getTime() + 10_000),
    ).toThrow(StateForgedError);
  });

  it.each([
    [''],
    [null],
    [undefined],
    ['abc'],
    ['a.b.c'],
    ['a b.c.d.e'],
    ['x'.repeat(200)],
    ['abc.zz.short.tag'],
  ])('rejects the malformed state %p', (state) => {
    expect(() => verifyOAuthState(state as string, SECRET, NOW)).toThrow(StateForgedError);
  });

  it('refuses to sign a scene outside the state alphabet or too long', () => {
    expect(() => sign('a b')).toThrow(WebAuthArgumentError);
    expect(() => sign('')).toThrow(WebAuthArgumentError);
    expect(() => sign('s'.repeat(100))).toThrow(WebAuthArgumentError);
    expect(() => sign('abc', 0)).toThrow(WebAuthArgumentError);
  });
});
