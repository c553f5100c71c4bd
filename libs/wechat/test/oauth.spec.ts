import { WeChatApiClient, WeChatArgumentError, WeChatOAuth } from '@mirror/wechat';
import { inspect } from 'node:util';
import { FakeWeChat } from './fake-fetch';

describe(WeChatOAuth.name, () => {
  const sut = new WeChatOAuth(
    new WeChatApiClient({
      appId: 'wx520c15f417810387',
      appSecret: 's',
      openBase: 'https://open.weixin.qq.com',
    }),
  );

  it('builds an snsapi_base URL in WeChat parameter order ending in #wechat_redirect', () => {
    expect(
      sut.authorizeUrl({ redirectUri: 'https://shop.example/oauth/callback?x=1 2', state: 'abc.DEF_1-~' }),
    ).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387' +
        '&redirect_uri=https%3A%2F%2Fshop.example%2Foauth%2Fcallback%3Fx%3D1%202' +
        '&response_type=code&scope=snsapi_base&state=abc.DEF_1-~#wechat_redirect',
    );
  });

  it('builds an snsapi_userinfo URL', () => {
    const url = new URL(sut.authorizeUrl({ redirectUri: 'https://a.example/cb', scope: 'snsapi_userinfo' }));
    expect(url.searchParams.get('scope')).toBe('snsapi_userinfo');
    expect(url.searchParams.get('redirect_uri')).toBe('https://a.example/cb');
    expect(url.hash).toBe('#wechat_redirect');
  });

  it.each([
    ['a relative redirect', { redirectUri: '/cb' }],
    ['a javascript: redirect', { redirectUri: 'javascript:alert(1)' }],
    ['a state over 128 characters', { redirectUri: 'https://a/cb', state: 'x'.repeat(129) }],
    ['a state with characters WeChat mangles', { redirectUri: 'https://a/cb', state: 'a&b=c' }],
    ['an unknown scope', { redirectUri: 'https://a/cb', scope: 'snsapi_login' }],
  ])('refuses %s', (_label, options) => {
    expect(() => sut.authorizeUrl(options as Parameters<WeChatOAuth['authorizeUrl']>[0])).toThrow(
      WeChatArgumentError,
    );
  });

  it('keeps the code and the user token out of errors', async () => {
    const wechat = new FakeWeChat().answer(
      { json: { errcode: 40163, errmsg: 'code been used, code=CODE-0123456789' } },
      { json: { errcode: 48001, errmsg: 'api unauthorized for USER-TOKEN-0123' } },
    );
    const oauth = new WeChatOAuth(
      new WeChatApiClient({ appId: 'wx', appSecret: 'secret-x', fetch: wechat.fetch }),
    );
    const codeError = await oauth.exchangeCode('CODE-0123456789').catch((e: Error) => e);
    const tokenError = await oauth
      .userInfo({ accessToken: 'USER-TOKEN-0123', openid: 'o1' })
      .catch((e: Error) => e);
    expect(codeError).toMatchObject({ errcode: 40163 });
    expect(inspect(codeError)).not.toContain('CODE-0123456789');
    expect(tokenError).toMatchObject({ errcode: 48001 });
    expect(inspect(tokenError)).not.toContain('USER-TOKEN-0123');
  });

  it('reads a grant from the code exchange', async () => {
    const wechat = new FakeWeChat().answer({
      json: {
        access_token: 'AT',
        expires_in: 7200,
        refresh_token: 'RT',
        openid: 'oX',
        scope: 'snsapi_base',
        is_snapshotuser: 1,
      },
    });
    const oauth = new WeChatOAuth(
      new WeChatApiClient({ appId: 'wx', appSecret: 'secret-x', fetch: wechat.fetch }),
    );
    await expect(oauth.exchangeCode('c0de')).resolves.toEqual({
      openid: 'oX',
      scope: 'snsapi_base',
      accessToken: 'AT',
      refreshToken: 'RT',
      expiresInSeconds: 7200,
      unionid: null,
      isSnapshotUser: true,
    });
    expect(Object.fromEntries(wechat.requests[0].url.searchParams)).toEqual({
      appid: 'wx',
      secret: 'secret-x',
      code: 'c0de',
      grant_type: 'authorization_code',
    });
  });
});
