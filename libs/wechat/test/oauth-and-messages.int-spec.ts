import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createWeChatApi, WeChatApi, WeChatApiError, WeChatArgumentError, WeChatOAuth } from '@mirror/wechat';
// The sandbox is a tool, not a lib: jest maps only @mirror/<lib> names, so it is imported by path.
import { startSandbox, WeChatSandbox } from '../../../tools/wechat-sandbox/src';

const SECRET = 'integration-secret-0123456789';

describe(`${WeChatOAuth.name} and CustomMessageApi against the sandbox`, () => {
  let sandbox: WeChatSandbox;
  let redis: Redis;
  let prefix: string;
  let sut: WeChatApi;

  beforeEach(async () => {
    sandbox = await startSandbox({ appSecret: SECRET });
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    prefix = `test:wechat:${randomUUID()}:`;
    sut = createWeChatApi({
      appId: sandbox.appId,
      appSecret: SECRET,
      apiBase: sandbox.url,
      mpBase: sandbox.url,
      openBase: sandbox.url,
      redis,
      keyPrefix: prefix,
    });
  });

  afterEach(async () => {
    await sandbox.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  /** Follows the authorize URL like a browser in WeChat and returns the code the callback receives. */
  async function consent(
    openid: string,
    scope: 'snsapi_base' | 'snsapi_userinfo' = 'snsapi_base',
  ): Promise<string> {
    const url = sut.oauth.authorizeUrl({
      redirectUri: 'https://shop.example/oauth/callback',
      scope,
      state: 'abc',
    });
    const response = await fetch(`${url.split('#')[0]}&sandbox_openid=${openid}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('abc');
    return location.searchParams.get('code')!;
  }

  it('exchanges a code for the openid of the customer who consented', async () => {
    await expect(sut.oauth.exchangeCode(await consent('oAlice'))).resolves.toMatchObject({
      openid: 'oAlice',
      scope: 'snsapi_base',
      isSnapshotUser: false,
    });
  });

  it('refuses a reused code (40163) and an unknown one (40029) as typed errors', async () => {
    const code = await consent('oAlice');
    await sut.oauth.exchangeCode(code);
    await expect(sut.oauth.exchangeCode(code)).rejects.toMatchObject({ errcode: 40163 });
    await expect(sut.oauth.exchangeCode('feedfacefeedface')).rejects.toBeInstanceOf(WeChatApiError);
  });

  it('reads user info with an snsapi_userinfo grant only', async () => {
    const info = await sut.oauth.exchangeCode(await consent('oAlice', 'snsapi_userinfo'));
    await expect(sut.oauth.userInfo(info)).resolves.toMatchObject({ openid: 'oAlice', privilege: [] });
    const base = await sut.oauth.exchangeCode(await consent('oAlice'));
    await expect(sut.oauth.userInfo(base)).rejects.toMatchObject({ errcode: 48001 });
  });

  it('sends customer-service text and news within the window, 45047 past the burst', async () => {
    sandbox.customers.scannedOrFollowed('oAlice');
    await sut.customMessages.sendText('oAlice', '您的照片已经准备好了');
    await sut.customMessages.sendNews('oAlice', {
      title: '试衣照片',
      description: '点击查看',
      url: 'https://shop.example/me',
      picUrl: 'https://shop.example/t.jpg',
    });
    await sut.customMessages.sendText('oAlice', 'third');
    await expect(sut.customMessages.sendText('oAlice', 'fourth')).rejects.toMatchObject({ errcode: 45047 });
    expect(sandbox.sentMessages('oAlice')).toEqual([
      expect.objectContaining({ msgtype: 'text', content: '您的照片已经准备好了' }),
      expect.objectContaining({
        msgtype: 'news',
        articles: [
          {
            title: '试衣照片',
            description: '点击查看',
            url: 'https://shop.example/me',
            picurl: 'https://shop.example/t.jpg',
          },
        ],
      }),
      expect.objectContaining({ content: 'third' }),
    ]);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
  });

  it('refuses a message to a customer outside the window with 45015', async () => {
    sandbox.customers.ensure('oAlice').subscribed = true;
    await expect(sut.customMessages.sendText('oAlice', 'hi')).rejects.toMatchObject({ errcode: 45015 });
  });

  it('refuses bad arguments before calling WeChat', async () => {
    await expect(sut.customMessages.sendText('not an openid!', 'x')).rejects.toBeInstanceOf(
      WeChatArgumentError,
    );
    await expect(sut.customMessages.sendText('oAlice', '')).rejects.toBeInstanceOf(WeChatArgumentError);
    expect(sandbox.count('/cgi-bin/message/custom/send')).toBe(0);
  });
});
