import { ManualClock } from '@mirror/wechat';
import { startSandbox, WeChatSandbox } from '../src';

const SECRET = 'sandbox-secret-for-tests';

interface Json {
  [key: string]: unknown;
}

async function getJson(url: string): Promise<Json> {
  return (await (await fetch(url)).json()) as Json;
}

async function postJson(url: string, body: unknown): Promise<Json> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return (await response.json()) as Json;
}

describe(WeChatSandbox.name, () => {
  let clock: ManualClock;
  let sut: WeChatSandbox;
  let tokenUrl: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2025, 5, 1, 2));
    sut = await startSandbox({ appSecret: SECRET, clock, tokenGraceMs: 60_000 });
    tokenUrl = `${sut.url}/cgi-bin/token?grant_type=client_credential&appid=${sut.appId}&secret=${SECRET}`;
  });

  afterEach(() => sut.close());

  async function token(): Promise<string> {
    return (await getJson(tokenUrl)).access_token as string;
  }

  async function createQr(accessToken: string, body: unknown): Promise<Json> {
    return postJson(`${sut.url}/cgi-bin/qrcode/create?access_token=${accessToken}`, body);
  }

  const strScene = (scene: string) => ({
    expire_seconds: 600,
    action_name: 'QR_STR_SCENE',
    action_info: { scene: { scene_str: scene } },
  });

  describe('access_token', () => {
    it('issues a token with expires_in 7200', async () => {
      const answer = await getJson(tokenUrl);
      expect(answer).toEqual({
        access_token: expect.stringMatching(/^[A-Za-z0-9_-]{100,}$/),
        expires_in: 7200,
      });
    });

    it('answers 40125 to a wrong secret and 40013 to a wrong appid', async () => {
      expect(await getJson(tokenUrl.replace(SECRET, 'wrong'))).toMatchObject({ errcode: 40125 });
      expect(await getJson(tokenUrl.replace(sut.appId, 'wx0000'))).toMatchObject({ errcode: 40013 });
      expect((await getJson(tokenUrl.replace(SECRET, 'wrong'))).errmsg).toMatch(/^invalid appsecret rid: /);
    });

    it('keeps the previous token working for the grace period only', async () => {
      const first = await token();
      await token();
      expect(await createQr(first, strScene('a'))).toHaveProperty('ticket');
      clock.advance(60_000);
      expect(await createQr(first, strScene('a'))).toMatchObject({ errcode: 40001 });
    });

    it('answers 42001 once a token has expired', async () => {
      const accessToken = await token();
      clock.advance(7200_000);
      expect(await createQr(accessToken, strScene('a'))).toMatchObject({ errcode: 42001 });
    });

    it('answers 41001 without a token and 40014 for a malformed one', async () => {
      expect(await postJson(`${sut.url}/cgi-bin/qrcode/create`, strScene('a'))).toMatchObject({
        errcode: 41001,
      });
      expect(await createQr('bad token!', strScene('a'))).toMatchObject({ errcode: 40014 });
    });

    it('answers 40001 to every token after a rotation', async () => {
      const accessToken = await token();
      sut.rotateToken();
      expect(await createQr(accessToken, strScene('a'))).toMatchObject({ errcode: 40001 });
      expect(await createQr(await token(), strScene('a'))).toHaveProperty('ticket');
    });

    it('enforces a daily quota with 45009 and resets it the next day', async () => {
      sut.setQuota('/cgi-bin/token', 2);
      await token();
      await token();
      expect(await getJson(tokenUrl)).toMatchObject({ errcode: 45009 });
      clock.advance(24 * 3600_000);
      expect(await getJson(tokenUrl)).toHaveProperty('access_token');
      expect(sut.count('/cgi-bin/token')).toBe(4);
      expect(sut.count('/cgi-bin/token', 45009)).toBe(1);
    });

    it('hands out the same stable token until forced', async () => {
      const body = { grant_type: 'client_credential', appid: sut.appId, secret: SECRET };
      const first = await postJson(`${sut.url}/cgi-bin/stable_token`, body);
      clock.advance(1000);
      const again = await postJson(`${sut.url}/cgi-bin/stable_token`, body);
      expect(again).toEqual({ access_token: first.access_token, expires_in: 7199 });
      const forced = await postJson(`${sut.url}/cgi-bin/stable_token`, { ...body, force_refresh: true });
      expect(forced.access_token).not.toBe(first.access_token);
      expect(await createQr(first.access_token as string, strScene('a'))).toHaveProperty('ticket');
    });

    it('answers injected faults first', async () => {
      sut.injectFault('/cgi-bin/token', -1, 2);
      expect(await getJson(tokenUrl)).toMatchObject({ errcode: -1 });
      expect(await getJson(tokenUrl)).toMatchObject({ errcode: -1 });
      expect(await getJson(tokenUrl)).toHaveProperty('access_token');
    });
  });

  describe('QR codes', () => {
    it('creates temporary and permanent codes in WeChat JSON shapes', async () => {
      const accessToken = await token();
      expect(await createQr(accessToken, strScene('scene-1'))).toEqual({
        ticket: expect.stringMatching(/\+.*\/.*=$|\/.*\+.*=$/),
        expire_seconds: 600,
        url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\//),
      });
      const permanent = await createQr(accessToken, {
        action_name: 'QR_LIMIT_SCENE',
        action_info: { scene: { scene_id: 7 } },
      });
      expect(Object.keys(permanent).sort()).toEqual(['ticket', 'url']);
    });

    it('uses 30 s when expire_seconds is omitted and caps it at 30 days', async () => {
      const accessToken = await token();
      const { expire_seconds: omitted } = await createQr(accessToken, {
        ...strScene('a'),
        expire_seconds: undefined,
      });
      const { expire_seconds: capped } = await createQr(accessToken, {
        ...strScene('a'),
        expire_seconds: 9_999_999,
      });
      expect([omitted, capped]).toEqual([30, 2592000]);
    });

    it.each([
      ['an unknown action_name', { action_name: 'QR_X', action_info: { scene: { scene_id: 1 } } }, 40052],
      ['scene_id 0', { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 0 } } }, 40053],
      [
        'a permanent scene_id over 100000',
        { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100001 } } },
        40053,
      ],
      [
        'a 65-character scene_str',
        { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'x'.repeat(65) } } },
        40053,
      ],
    ])('refuses %s', async (_label, body, errcode) => {
      expect(await createQr(await token(), body)).toMatchObject({ errcode });
    });

    it('serves the PNG for a URL-encoded ticket and 404 otherwise', async () => {
      const { ticket } = (await createQr(await token(), strScene('png'))) as { ticket: string };
      const ok = await fetch(`${sut.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('image/png');
      expect(
        Buffer.from(await ok.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
      expect((await fetch(`${sut.url}/cgi-bin/showqrcode?ticket=${ticket}`)).status).toBe(404);
      expect((await fetch(`${sut.url}/cgi-bin/showqrcode?ticket=nope`)).status).toBe(404);
    });

    it('serves 404 for an expired ticket', async () => {
      const { ticket } = (await createQr(await token(), strScene('old'))) as { ticket: string };
      clock.advance(600_000);
      expect((await fetch(`${sut.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`)).status).toBe(
        404,
      );
    });
  });

  describe('OAuth', () => {
    const redirect = 'https://shop.example/oauth/callback?from=mirror';
    const authorize = (scope: string, extra = '') =>
      fetch(
        `${sut.url}/connect/oauth2/authorize?appid=${sut.appId}&redirect_uri=${encodeURIComponent(redirect)}` +
          `&response_type=code&scope=${scope}&state=st4te${extra}#wechat_redirect`,
        { redirect: 'manual' },
      );
    const exchange = (code: string) =>
      getJson(
        `${sut.url}/sns/oauth2/access_token?appid=${sut.appId}&secret=${SECRET}&code=${code}&grant_type=authorization_code`,
      );

    it('consents and redirects to redirect_uri with code and state', async () => {
      const response = await authorize('snsapi_base', '&sandbox_openid=oAlice');
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/oauth/callback');
      expect(location.searchParams.get('from')).toBe('mirror');
      expect(location.searchParams.get('state')).toBe('st4te');
      expect(await exchange(location.searchParams.get('code')!)).toMatchObject({
        openid: 'oAlice',
        scope: 'snsapi_base',
      });
    });

    it('answers 40163 when a code is used twice and 40029 for an unknown code', async () => {
      const code = new URL(
        (await authorize('snsapi_base', '&sandbox_openid=oAlice')).headers.get('location')!,
      ).searchParams.get('code')!;
      expect(await exchange(code)).toHaveProperty('openid', 'oAlice');
      expect(await exchange(code)).toMatchObject({ errcode: 40163 });
      expect(await exchange('0123456789abcdef')).toMatchObject({ errcode: 40029 });
    });

    it('answers 40029 for an expired code', async () => {
      const code = new URL(
        (await authorize('snsapi_base', '&sandbox_openid=oAlice')).headers.get('location')!,
      ).searchParams.get('code')!;
      clock.advance(300_000);
      expect(await exchange(code)).toMatchObject({ errcode: 40029 });
    });

    it('lets the customer who interacted last consent when nobody is named', async () => {
      sut.customers.messaged('oBob');
      const location = new URL((await authorize('snsapi_base')).headers.get('location')!);
      expect(await exchange(location.searchParams.get('code')!)).toMatchObject({ openid: 'oBob' });
    });

    it('gives user info only to snsapi_userinfo grants', async () => {
      const grantFor = async (scope: string) => {
        const location = new URL((await authorize(scope, '&sandbox_openid=oAlice')).headers.get('location')!);
        return exchange(location.searchParams.get('code')!);
      };
      const base = await grantFor('snsapi_base');
      const info = await grantFor('snsapi_userinfo');
      const userinfo = (grant: Json) =>
        getJson(`${sut.url}/sns/userinfo?access_token=${grant.access_token}&openid=oAlice&lang=zh_CN`);
      expect(await userinfo(base)).toMatchObject({ errcode: 48001 });
      expect(await userinfo(info)).toMatchObject({ openid: 'oAlice', nickname: expect.any(String) });
    });

    it('shows an error page for a wrong appid or scope', async () => {
      expect(
        (
          await fetch(`${sut.url}/connect/oauth2/authorize?appid=wx0&scope=snsapi_base`, {
            redirect: 'manual',
          })
        ).status,
      ).toBe(400);
      expect((await authorize('snsapi_login', '&sandbox_openid=oAlice')).status).toBe(400);
    });
  });

  describe('customer-service messages', () => {
    const send = async (openid: string, content = 'hello') =>
      postJson(`${sut.url}/cgi-bin/message/custom/send?access_token=${await token()}`, {
        touser: openid,
        msgtype: 'text',
        text: { content },
      });

    it('answers 40003 for a customer who never interacted', async () => {
      expect(await send('oNobody')).toMatchObject({ errcode: 40003 });
    });

    it('allows 3 messages within a minute of a scan or follow, 45047 beyond', async () => {
      sut.customers.scannedOrFollowed('oAlice');
      for (let i = 0; i < 3; i++) expect(await send('oAlice', `m${i}`)).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await send('oAlice')).toMatchObject({ errcode: 45047 });
      expect(sut.sentMessages('oAlice').map((m) => m.content)).toEqual(['m0', 'm1', 'm2']);
      clock.advance(60_000);
      expect(await send('oAlice')).toMatchObject({ errcode: 0 });
    });

    it('answers 45015 outside the 48-hour window and accepts again after a new message', async () => {
      sut.customers.scannedOrFollowed('oAlice');
      clock.advance(48 * 3600_000 + 1);
      expect(await send('oAlice')).toMatchObject({ errcode: 45015 });
      sut.customers.messaged('oAlice');
      expect(await send('oAlice')).toMatchObject({ errcode: 0 });
    });

    it('answers 43004 once the customer has unfollowed', async () => {
      sut.customers.scannedOrFollowed('oAlice');
      sut.customers.unsubscribed('oAlice');
      expect(await send('oAlice')).toMatchObject({ errcode: 43004 });
    });

    it('records a news message and refuses more than one article', async () => {
      sut.customers.scannedOrFollowed('oAlice');
      const url = `${sut.url}/cgi-bin/message/custom/send?access_token=${await token()}`;
      const article = {
        title: 'Your photos',
        description: 'tap',
        url: 'https://x/y',
        picurl: 'https://x/p.jpg',
      };
      const news = (articles: unknown[]) =>
        postJson(url, { touser: 'oAlice', msgtype: 'news', news: { articles } });
      expect(await news([article])).toMatchObject({ errcode: 0 });
      expect(await news([article, article])).toMatchObject({ errcode: 45008 });
      expect(sut.sentMessages('oAlice')[0].articles).toEqual([article]);
    });
  });

  describe('control API over HTTP', () => {
    it('counts calls per endpoint', async () => {
      await token();
      await token();
      const { counts } = await getJson(`${sut.url}/_sandbox/calls`);
      expect(counts).toMatchObject({ '/cgi-bin/token': 2, '/cgi-bin/qrcode/create': 0 });
    });

    it('sets quotas and rotates tokens', async () => {
      const accessToken = await token();
      expect(await postJson(`${sut.url}/_sandbox/rotate-token`, {})).toEqual({ ok: true });
      expect(await createQr(accessToken, strScene('a'))).toMatchObject({ errcode: 40001 });
      await postJson(`${sut.url}/_sandbox/quota`, { endpoint: '/cgi-bin/token', limit: 0 });
      expect(await getJson(tokenUrl)).toMatchObject({ errcode: 45009 });
    });

    it('refuses a bad control request with 400 and an explanation', async () => {
      const response = await fetch(`${sut.url}/_sandbox/quota`, {
        method: 'POST',
        body: '{"endpoint":"/nope"}',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Json).error).toMatch(/endpoint must be one of/);
    });

    it('answers 409 to a scan when no callback URL is set', async () => {
      const { ticket } = (await createQr(await token(), strScene('a'))) as { ticket: string };
      const response = await fetch(`${sut.url}/_sandbox/scan`, {
        method: 'POST',
        body: JSON.stringify({ openid: 'oA', ticket }),
      });
      expect(response.status).toBe(409);
    });
  });
});
