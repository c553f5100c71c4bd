import {
  AccessTokenProvider,
  ManualClock,
  QrCodeApi,
  qrCodeCreateBody,
  QrCodeLimitError,
  QrCodeRequest,
  showQrCodeUrl,
  WeChatApiClient,
} from '@mirror/wechat';
import { FakeWeChat } from './fake-fetch';

describe('qrCodeCreateBody', () => {
  it.each<[string, QrCodeRequest, object]>([
    [
      'QR_SCENE',
      { kind: 'QR_SCENE', sceneId: 2147483647, expireSeconds: 60 },
      { action_name: 'QR_SCENE', expire_seconds: 60, action_info: { scene: { scene_id: 2147483647 } } },
    ],
    [
      'QR_STR_SCENE',
      { kind: 'QR_STR_SCENE', sceneStr: 'a'.repeat(64), expireSeconds: 2592000 },
      {
        action_name: 'QR_STR_SCENE',
        expire_seconds: 2592000,
        action_info: { scene: { scene_str: 'a'.repeat(64) } },
      },
    ],
    [
      'QR_LIMIT_SCENE',
      { kind: 'QR_LIMIT_SCENE', sceneId: 100000 },
      { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100000 } } },
    ],
    [
      'QR_LIMIT_STR_SCENE',
      { kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'mirror-1' },
      { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'mirror-1' } } },
    ],
  ])('builds the body of a %s code', (_kind, request, body) => {
    expect(qrCodeCreateBody(request)).toEqual(body);
  });

  it.each<[string, unknown, string]>([
    ['a temporary scene_id of 0', { kind: 'QR_SCENE', sceneId: 0, expireSeconds: 60 }, 'sceneId'],
    [
      'a temporary scene_id over 32 bits',
      { kind: 'QR_SCENE', sceneId: 2 ** 31, expireSeconds: 60 },
      'sceneId',
    ],
    ['a fractional scene_id', { kind: 'QR_SCENE', sceneId: 1.5, expireSeconds: 60 }, 'sceneId'],
    ['a permanent scene_id of 0', { kind: 'QR_LIMIT_SCENE', sceneId: 0 }, 'sceneId'],
    ['a permanent scene_id over 100000', { kind: 'QR_LIMIT_SCENE', sceneId: 100001 }, 'sceneId'],
    ['an empty scene_str', { kind: 'QR_STR_SCENE', sceneStr: '', expireSeconds: 60 }, 'sceneStr'],
    ['a 65-character scene_str', { kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'a'.repeat(65) }, 'sceneStr'],
    ['a missing expire_seconds', { kind: 'QR_STR_SCENE', sceneStr: 's' }, 'expireSeconds'],
    ['expire_seconds of 0', { kind: 'QR_STR_SCENE', sceneStr: 's', expireSeconds: 0 }, 'expireSeconds'],
    [
      'expire_seconds over 30 days',
      { kind: 'QR_SCENE', sceneId: 1, expireSeconds: 2592001 },
      'expireSeconds',
    ],
    [
      'an expiry on a permanent code',
      { kind: 'QR_LIMIT_SCENE', sceneId: 1, expireSeconds: 60 },
      'expireSeconds',
    ],
    ['an unknown kind', { kind: 'QR_FOREVER', sceneId: 1 }, 'kind'],
  ])('refuses %s', (_label, request, field) => {
    expect(() => qrCodeCreateBody(request as QrCodeRequest)).toThrow(QrCodeLimitError);
    expect(() => qrCodeCreateBody(request as QrCodeRequest)).toThrow(expect.objectContaining({ field }));
  });

  it('counts scene_str in characters, not bytes', () => {
    expect(() => qrCodeCreateBody({ kind: 'QR_LIMIT_STR_SCENE', sceneStr: '镜'.repeat(64) })).not.toThrow();
  });
});

describe(QrCodeApi.name, () => {
  const tokens = {
    withAccessToken: (call: (t: string) => Promise<unknown>) => call('TOKEN'),
  } as unknown as AccessTokenProvider;

  it('makes no call when a limit is broken', async () => {
    const wechat = new FakeWeChat().answer({ json: { ticket: 't', url: 'u' } });
    const client = new WeChatApiClient({ appId: 'wx', appSecret: 'secret', fetch: wechat.fetch });
    const sut = new QrCodeApi({ client, tokens });
    await expect(sut.create({ kind: 'QR_LIMIT_SCENE', sceneId: 0 })).rejects.toThrow(QrCodeLimitError);
    expect(wechat.requests).toHaveLength(0);
  });

  it('creates a temporary code and computes its expiry', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const wechat = new FakeWeChat().answer({
      json: { ticket: 'gQ+/=', expire_seconds: 600, url: 'http://weixin.qq.com/q/x' },
    });
    const client = new WeChatApiClient({
      appId: 'wx',
      appSecret: 's',
      mpBase: 'http://mp.test',
      fetch: wechat.fetch,
    });
    const sut = new QrCodeApi({ client, tokens, clock });
    await expect(sut.create({ kind: 'QR_STR_SCENE', sceneStr: 'abc', expireSeconds: 600 })).resolves.toEqual({
      kind: 'QR_STR_SCENE',
      ticket: 'gQ+/=',
      url: 'http://weixin.qq.com/q/x',
      showUrl: 'http://mp.test/cgi-bin/showqrcode?ticket=gQ%2B%2F%3D',
      expireSeconds: 600,
      expiresAt: 1_700_000_600_000,
    });
    expect(wechat.requests[0].url.searchParams.get('access_token')).toBe('TOKEN');
  });

  it('URL-encodes the ticket in the showqrcode URL', () => {
    expect(showQrCodeUrl('https://mp.weixin.qq.com/', 'a+b/c=')).toBe(
      'https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=a%2Bb%2Fc%3D',
    );
  });
});
