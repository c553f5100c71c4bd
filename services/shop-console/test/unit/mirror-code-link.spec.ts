import { ManualClock } from '@mirror/platform';
import { QrImageSigner } from '@mirror/svc-qr-issuer/src/qr/qr-image.signer';
import type { QrSettings } from '@mirror/svc-qr-issuer/src/qr/qr.settings';
import { mirrorCodeUrl } from '../../src/console/mirror-code-link';

describe('mirror code download links', () => {
  const secret = 'print-links-secret-0123456789';
  const clock = new ManualClock(Date.parse('2026-05-01T08:00:00Z'));
  const sut = new QrImageSigner(clock, {
    imageSigningSecret: secret,
    imageUrlTtlSeconds: 3600,
  } as QrSettings);
  const exp = Math.floor(clock.now() / 1000) + 600;
  const grant = (url: string) =>
    Object.fromEntries(new URL(url).searchParams) as { exp: string; sig: string };

  it('are links qr-issuer accepts, for that mirror and format only', () => {
    const url = mirrorCodeUrl('https://qr.example.com/', secret, 'mirror-12', 'png', exp);
    expect(url).toMatch(/^https:\/\/qr\.example\.com\/qr\/mirrors\/mirror-12\.png\?exp=\d+&sig=[\w-]+$/);
    expect(sut.verifyMirrorCode('mirror-12', 'png', grant(url))).toBe(exp);
    expect(() => sut.verifyMirrorCode('mirror-13', 'png', grant(url))).toThrow();
    expect(() => sut.verifyMirrorCode('mirror-12', 'svg', grant(url))).toThrow();
    const other = mirrorCodeUrl(
      'https://qr.example.com',
      'another-secret-0123456789',
      'mirror-12',
      'png',
      exp,
    );
    expect(() => sut.verifyMirrorCode('mirror-12', 'png', grant(other))).toThrow();
  });
});
