import { RefusalError } from '@mirror/nats';
import { CUSTOMER_COOKIE, signOAuthState, verifyCookie } from '@mirror/web-auth';
import { COOKIE_SECRET, GatewayHarness, STATE_SECRET, sleep } from './support/gateway-harness';

const OPENID = 'oOAuth_0123456789';
const SESSION = '01JD0000000000000000000000';

/** `/oauth/callback`: signed single-use state, binding confirms, signed cookie, redirect to /me. */
describe('OAuthController', () => {
  let sut: GatewayHarness;

  beforeAll(async () => {
    sut = await GatewayHarness.start({ env: { OAUTH_CONFIRM_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await sut?.stop();
  });
  beforeEach(() => {
    sut.confirmRequests.length = 0;
    sut.confirms = async () => ({ openid: OPENID, sessionId: SESSION });
  });

  const state = (scene = 'sceneOAuth', ttlSeconds = 600, secret = STATE_SECRET) =>
    signOAuthState({ scene, ttlSeconds, secret });
  const visit = (query: Record<string, string>, cookie?: string) =>
    fetch(`${sut.url}/oauth/callback?${new URLSearchParams(query)}`, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });

  it('forwards code and state to binding, sets a signed HttpOnly SameSite=Lax cookie and redirects to /me', async () => {
    const s = state();
    const res = await visit({ code: 'code-1', state: s });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/me');
    expect(sut.confirmRequests).toEqual([{ v: 1, code: 'code-1', state: s }]);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${CUSTOMER_COOKIE}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // PUBLIC_BASE_URL is http in this test
    const value = cookie.split(';')[0].split('=')[1];
    expect(verifyCookie(value, COOKIE_SECRET).subject).toBe(OPENID);
  });

  it('refuses a state used a second time with a 403 page, without asking binding again', async () => {
    const s = state();
    expect((await visit({ code: 'code-2', state: s })).status).toBe(302);
    const again = await visit({ code: 'code-3', state: s });
    expect(again.status).toBe(403);
    expect(again.headers.get('content-type')).toMatch(/text\/html/);
    expect(await again.text()).toContain('链接已使用');
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(sut.confirmRequests).toHaveLength(1);
  });

  it('sends a customer who already has the cookie straight to /me when they tap a used link again', async () => {
    const s = state();
    const first = await visit({ code: 'code-4', state: s });
    const cookie = first.headers.get('set-cookie')!.split(';')[0];
    const again = await visit({ code: 'code-5', state: s }, cookie);
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/me');
    expect(sut.confirmRequests).toHaveLength(1);
  });

  it('refuses an expired state with a 400 page, nothing bound', async () => {
    const s = signOAuthState({
      scene: 'sceneOld',
      ttlSeconds: 1,
      secret: STATE_SECRET,
      now: Date.now() - 60_000,
    });
    const res = await visit({ code: 'code-6', state: s });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('链接已过期');
    expect(sut.confirmRequests).toHaveLength(0);
  });

  it.each([
    ['signed with another secret', () => state('sceneX', 600, 'not-the-state-secret-0000')],
    ['tampered with', () => state('sceneY').replace('sceneY', 'sceneZ')],
    ['made up', () => 'hello'],
  ])('refuses a state %s with a 403 page, nothing bound', async (_name, make) => {
    const res = await visit({ code: 'code-7', state: make() });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('链接无效');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(sut.confirmRequests).toHaveLength(0);
  });

  it('refuses a callback without code or state with a 400 page', async () => {
    expect((await visit({ state: state() })).status).toBe(400);
    expect((await visit({ code: 'c' })).status).toBe(400);
    expect(sut.confirmRequests).toHaveLength(0);
  });

  it('shows a 403 page when binding refuses because the customer is not the one who scanned', async () => {
    sut.confirms = async () => {
      throw new RefusalError('FORBIDDEN', 'openid is not the claimer of the scene');
    };
    const res = await visit({ code: 'code-8', state: state() });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('无法领取照片');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('shows a 400 page when binding refuses a reused code', async () => {
    sut.confirms = async () => {
      throw new RefusalError('INVALID_REQUEST', 'the code was already used (40163)');
    };
    const res = await visit({ code: 'code-9', state: state() });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('gives the state back when binding does not answer, so the customer can tap the link again', async () => {
    sut.confirms = async () => {
      await sleep(1500);
      return { openid: OPENID };
    };
    const s = state();
    const late = await visit({ code: 'code-10', state: s });
    expect(late.status).toBe(503);
    expect(await late.text()).toContain('服务繁忙');
    sut.confirms = async () => ({ openid: OPENID });
    const retry = await visit({ code: 'code-11', state: s });
    expect(retry.status).toBe(302);
  });
});
