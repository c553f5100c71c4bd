import {
  WeChatApiClient,
  WeChatApiError,
  WeChatConfigurationError,
  WeChatMetrics,
  WeChatQuotaExceededError,
  WeChatTransportError,
} from '@mirror/wechat';
import { inspect } from 'node:util';
import { FakeWeChat } from './fake-fetch';

const SECRET = 'app-secret-0123456789';

function makeSut(
  wechat: FakeWeChat,
  overrides: Partial<ConstructorParameters<typeof WeChatApiClient>[0]> = {},
) {
  return new WeChatApiClient({
    appId: 'wxapp',
    appSecret: SECRET,
    apiBase: 'http://wechat.test/base/',
    fetch: wechat.fetch,
    sleep: async () => undefined,
    metrics: new WeChatMetrics(),
    ...overrides,
  });
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe(WeChatApiClient.name, () => {
  it('fetches a classic token with appid and secret under the configured base', async () => {
    const wechat = new FakeWeChat().answer({ json: { access_token: 'TOKEN', expires_in: 7200 } });
    const sut = makeSut(wechat);
    await expect(sut.fetchAccessToken()).resolves.toEqual({ accessToken: 'TOKEN', expiresInSeconds: 7200 });
    const { url, method } = wechat.requests[0];
    expect(method).toBe('GET');
    expect(`${url.origin}${url.pathname}`).toBe('http://wechat.test/base/cgi-bin/token');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      grant_type: 'client_credential',
      appid: 'wxapp',
      secret: SECRET,
    });
  });

  it('posts the stable_token body', async () => {
    const wechat = new FakeWeChat().answer({ json: { access_token: 'S', expires_in: 7000 } });
    await makeSut(wechat).fetchStableAccessToken(true);
    expect(wechat.requests[0].body).toEqual({
      grant_type: 'client_credential',
      appid: 'wxapp',
      secret: SECRET,
      force_refresh: true,
    });
  });

  it('turns an errcode into WeChatApiError with the code and WeChat message, secret redacted', async () => {
    const wechat = new FakeWeChat().answer({
      json: { errcode: 40125, errmsg: `invalid appsecret ${SECRET} rid: 1` },
    });
    const error = await caught(makeSut(wechat).fetchAccessToken());
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({
      errcode: 40125,
      endpoint: '/cgi-bin/token',
      errmsg: 'invalid appsecret *** rid: 1',
    });
    expect(`${error.message} ${error.stack} ${inspect(error)}`).not.toContain(SECRET);
  });

  it('keeps the access_token out of errors', async () => {
    const wechat = new FakeWeChat().answer({
      json: { errcode: 40001, errmsg: 'invalid credential TOKEN-123456' },
    });
    const error = await caught(
      makeSut(wechat).request({ method: 'POST', path: '/cgi-bin/x', accessToken: 'TOKEN-123456', body: {} }),
    );
    expect((error as WeChatApiError).isTokenRejected).toBe(true);
    expect(inspect(error)).not.toContain('TOKEN-123456');
  });

  it('turns 45009 into WeChatQuotaExceededError and counts it, without retrying', async () => {
    const wechat = new FakeWeChat().answer({
      json: { errcode: 45009, errmsg: 'reach max api daily quota limit' },
    });
    const sut = makeSut(wechat);
    const error = await caught(sut.request({ method: 'POST', path: '/cgi-bin/qrcode/create', body: {} }));
    expect(error).toBeInstanceOf(WeChatQuotaExceededError);
    expect(error.message).toMatch(/daily quota/);
    expect(wechat.requests).toHaveLength(1);
    expect(sut.metrics.get('quota_exceeded', { endpoint: '/cgi-bin/qrcode/create' })).toBe(1);
  });

  it('retries -1 (busy) with backoff, then succeeds', async () => {
    const delays: number[] = [];
    const wechat = new FakeWeChat().answer(
      { json: { errcode: -1, errmsg: 'system error' } },
      { json: { errcode: -1, errmsg: 'system error' } },
      { json: { errcode: 0, errmsg: 'ok' } },
    );
    const sut = makeSut(wechat, { busyBackoffMs: 100, sleep: async (ms) => void delays.push(ms) });
    await expect(sut.request({ method: 'POST', path: '/x', body: {} })).resolves.toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect(wechat.requests).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(200);
  });

  it('gives up on -1 after the configured retries', async () => {
    const wechat = new FakeWeChat().answer({ json: { errcode: -1, errmsg: 'system error' } });
    const error = await caught(makeSut(wechat, { busyRetries: 2 }).request({ method: 'GET', path: '/x' }));
    expect(error).toMatchObject({ errcode: -1 });
    expect(wechat.requests).toHaveLength(3);
  });

  it('times out a call that does not answer', async () => {
    const wechat = new FakeWeChat().answer({ json: {}, delayMs: 5000 });
    const error = await caught(makeSut(wechat, { timeoutMs: 50 }).request({ method: 'GET', path: '/slow' }));
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect(error).toMatchObject({ kind: 'timeout', endpoint: '/slow' });
  });

  it('reports a network failure without the URL', async () => {
    const wechat = new FakeWeChat().answer(new TypeError(`fetch failed for http://x/?secret=${SECRET}`));
    const error = await caught(makeSut(wechat).fetchAccessToken());
    expect(error).toMatchObject({ kind: 'network' });
    expect(inspect(error)).not.toContain(SECRET);
  });

  it.each([
    ['an HTTP error', { status: 502, text: 'bad gateway' }, 'http-status'],
    ['a body that is not JSON', { text: '<html>' }, 'bad-response'],
    ['a token answer without a token', { json: { expires_in: 7200 } }, 'bad-response'],
  ])('reports %s as a transport error', async (_label, answer, kind) => {
    const error = await caught(makeSut(new FakeWeChat().answer(answer)).fetchAccessToken());
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect(error).toMatchObject({ kind });
  });

  it('never shows the secret when inspected', () => {
    const sut = makeSut(new FakeWeChat());
    expect(inspect(sut, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(sut)).not.toContain(SECRET);
  });

  it('refuses a base URL that is not a URL', () => {
    expect(() => makeSut(new FakeWeChat(), { apiBase: 'not a url' })).toThrow(WeChatConfigurationError);
  });
});
