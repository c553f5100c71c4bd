import { ConfigError } from '@mirror/config';
import { loadAppConfig } from '../../src/config';

const BASE = {
  NATS_URL: 'nats://127.0.0.1:4222',
  REDIS_URL: 'redis://127.0.0.1:6379',
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'app-secret',
};

function problems(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe(loadAppConfig.name, () => {
  it('needs no image settings when no image URL is published', () => {
    const config = loadAppConfig(BASE);
    expect(config.QR_IMAGE_BASE_URL).toBeUndefined();
    expect(config.QR_IMAGE_URL_TTL_SECONDS).toBe(3600);
  });

  it('refuses to publish image URLs without a signing secret, naming it', () => {
    expect(problems({ ...BASE, QR_IMAGE_BASE_URL: 'http://qr-issuer:3001' })).toEqual([
      { variable: 'QR_IMAGE_SIGNING_SECRET', message: expect.stringContaining('QR_IMAGE_BASE_URL') },
    ]);
  });

  it('refuses a signing secret shorter than 16 characters', () => {
    expect(
      problems({ ...BASE, QR_IMAGE_BASE_URL: 'http://qr-issuer:3001', QR_IMAGE_SIGNING_SECRET: 'short' }),
    ).toEqual([{ variable: 'QR_IMAGE_SIGNING_SECRET', message: expect.stringContaining('16') }]);
  });

  it.each(['59', '86401', 'soon'])('refuses QR_IMAGE_URL_TTL_SECONDS=%s', (ttl) => {
    expect(problems({ ...BASE, QR_IMAGE_URL_TTL_SECONDS: ttl }).map((p) => p.variable)).toEqual([
      'QR_IMAGE_URL_TTL_SECONDS',
    ]);
  });

  it('takes the base URL, the secret and the lifetime together', () => {
    const config = loadAppConfig({
      ...BASE,
      QR_IMAGE_BASE_URL: 'http://qr-issuer:3001',
      QR_IMAGE_SIGNING_SECRET: 'x'.repeat(16),
      QR_IMAGE_URL_TTL_SECONDS: '600',
    });
    expect(config).toMatchObject({ QR_IMAGE_SIGNING_SECRET: 'x'.repeat(16), QR_IMAGE_URL_TTL_SECONDS: 600 });
  });
});
