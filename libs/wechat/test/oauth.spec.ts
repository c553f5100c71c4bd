import { WeChatApiClient, WeChatArgumentError, WeChatOAuth } from '@mirror/wechat';

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
});
