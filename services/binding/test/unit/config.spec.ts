import { ConfigError } from '@mirror/config';
import { loadAppConfig } from '../../src/config';

const valid = {
  NATS_URL: 'nats://127.0.0.1:4222',
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mirror',
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'secret',
  PUBLIC_BASE_URL: 'https://mirror.example.com',
  OAUTH_STATE_SECRET: '0123456789abcdef',
  COOKIE_SECRET: '0123456789abcdef',
};

describe('loadAppConfig', () => {
  it('applies the defaults', () => {
    expect(loadAppConfig(valid)).toMatchObject({
      PHOTO_RETENTION_UNCLAIMED_HOURS: 72,
      DATABASE_MIGRATE_ON_START: true,
      OAUTH_STATE_TTL_SECONDS: 1800,
      PHOTO_URL_TTL_SECONDS: 600,
    });
  });

  it('names the variables that are missing or wrong', () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    let error: unknown;
    try {
      loadAppConfig({ ...rest, PHOTO_URL_TTL_SECONDS: '3600' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('DATABASE_URL');
    expect((error as Error).message).toContain('PHOTO_URL_TTL_SECONDS');
  });
});
