import {
  ConfigError,
  env,
  httpShape,
  loadConfig,
  natsShape,
  s3Shape,
  wechatCallbackShape,
} from '@mirror/config';

describe(loadConfig.name, () => {
  const shape = { ...httpShape, ...natsShape };

  it('fills defaults and coerces numbers', () => {
    const sut = loadConfig('svc', shape, { NATS_URL: 'nats://127.0.0.1:4222' });
    expect(sut).toEqual({
      PORT: 3000,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10000,
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_NAMESPACE: '',
    });
  });

  it('names every missing or bad variable at once', () => {
    expect.assertions(4);
    try {
      loadConfig('svc', shape, { PORT: 'eighty', NATS_URL: 'http://x' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const names = (e as ConfigError).problems.map((p) => p.variable).sort();
      expect(names).toEqual(['NATS_URL', 'PORT']);
      expect((e as Error).message).toContain('svc: invalid configuration');
      expect((e as Error).message).toMatch(/NATS_URL: must be a comma-separated list of nats\/tls URLs/);
    }
  });

  it('treats an empty variable as missing', () => {
    expect(() => loadConfig('svc', natsShape, { NATS_URL: '' })).toThrow(/NATS_URL: is required/);
  });

  it('gives secrets no default', () => {
    expect(() => loadConfig('svc', s3Shape, { S3_ENDPOINT: 'http://s3', S3_BUCKET: 'photos' })).toThrow(
      /S3_ACCESS_KEY: is required \(secrets have no default\)/,
    );
  });

  it('checks the shape of the WeChat EncodingAESKey', () => {
    const base = { WECHAT_APP_ID: 'wx1', WECHAT_TOKEN: 'token' };
    expect(() =>
      loadConfig('gw', wechatCallbackShape, { ...base, WECHAT_ENCODING_AES_KEY: 'short' }),
    ).toThrow(/WECHAT_ENCODING_AES_KEY/);
    const ok = loadConfig('gw', wechatCallbackShape, { ...base, WECHAT_ENCODING_AES_KEY: 'a'.repeat(43) });
    expect(ok.WECHAT_ENCODING_AES_KEY).toHaveLength(43);
  });

  it('parses booleans and bounded integers', () => {
    const sut = loadConfig('svc', { FLAG: env.bool(false), N: env.int(5, 1, 10) }, { FLAG: 'yes', N: '10' });
    expect(sut).toEqual({ FLAG: true, N: 10 });
    expect(() => loadConfig('svc', { N: env.int(5, 1, 10) }, { N: '11' })).toThrow(/N: must be ≤ 10/);
  });
});
