import { ManualClock } from '@mirror/platform';
import { QrImageRefusedError } from '../../src/qr/qr.errors';
import { QrImageSigner, type QrImageGrant } from '../../src/qr/qr-image.signer';
import type { QrSettings } from '../../src/qr/qr.settings';

const SESSION = '01JBQ7Z6Y3G8V2N4K5M6P7R8S9';
const OTHER_SESSION = '01JBQ7Z6Y3G8V2N4K5M6P7R8SA';
const SECRET = 'qr-image-signing-secret-for-tests';
const TTL_SECONDS = 600;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const CODE_EXPIRES = NOW + 86_400_000;

function setup(settings: Partial<QrSettings> = {}) {
  const clock = new ManualClock(NOW);
  const sut = new QrImageSigner(clock, {
    expireSeconds: 86_400,
    imageSigningSecret: SECRET,
    imageUrlTtlSeconds: TTL_SECONDS,
    ...settings,
  });
  return { sut, clock };
}

/** The query of a link, as Express hands it to the controller. */
function grantOf(signed: { exp: number; sig: string }): QrImageGrant {
  return { exp: String(signed.exp), sig: signed.sig };
}

function refusal(verify: () => unknown): string | undefined {
  try {
    verify();
  } catch (error) {
    if (error instanceof QrImageRefusedError) return error.reason;
    throw error;
  }
  return undefined;
}

describe(QrImageSigner.name, () => {
  it('signs a link that opens its session in its format until it expires', () => {
    const { sut } = setup();
    const signed = sut.sign(SESSION, 'png', CODE_EXPIRES);
    expect(signed.exp).toBe(NOW / 1000 + TTL_SECONDS);
    expect(signed.sig).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(sut.verify(SESSION, 'png', grantOf(signed))).toBe(signed.exp);
  });

  it('builds the display URL from the base, without doubling its slash', () => {
    const { sut } = setup();
    const url = sut.signedUrl('http://qr-issuer:3001/', SESSION, 'png', CODE_EXPIRES);
    const { exp, sig } = sut.sign(SESSION, 'png', CODE_EXPIRES);
    expect(url).toBe(`http://qr-issuer:3001/qr/${SESSION}.png?exp=${exp}&sig=${sig}`);
  });

  it('never lets a link outlive the code it shows', () => {
    const { sut } = setup();
    const codeExpires = NOW + 90_000;
    expect(sut.sign(SESSION, 'png', codeExpires).exp).toBe(codeExpires / 1000);
  });

  it('refuses an expired link', () => {
    const { sut, clock } = setup();
    const grant = grantOf(sut.sign(SESSION, 'png', CODE_EXPIRES));
    clock.advance(TTL_SECONDS * 1000 - 1);
    expect(refusal(() => sut.verify(SESSION, 'png', grant))).toBeUndefined();
    clock.advance(1);
    expect(refusal(() => sut.verify(SESSION, 'png', grant))).toBe('expired');
  });

  it('refuses a tampered signature', () => {
    const { sut } = setup();
    const { exp, sig } = sut.sign(SESSION, 'png', CODE_EXPIRES);
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(refusal(() => sut.verify(SESSION, 'png', { exp: String(exp), sig: flipped }))).toBe(
      'bad_signature',
    );
  });

  it('refuses a link whose expiry was pushed back', () => {
    const { sut } = setup();
    const { exp, sig } = sut.sign(SESSION, 'png', CODE_EXPIRES);
    expect(refusal(() => sut.verify(SESSION, 'png', { exp: String(exp + 3600), sig }))).toBe('bad_signature');
    // the same number written differently is not what was signed
    expect(refusal(() => sut.verify(SESSION, 'png', { exp: `0${exp}`, sig }))).toBe('bad_signature');
  });

  it.each(['svg', 'json'] as const)('refuses a PNG link used for %s', (format) => {
    const { sut } = setup();
    const grant = grantOf(sut.sign(SESSION, 'png', CODE_EXPIRES));
    expect(refusal(() => sut.verify(SESSION, format, grant))).toBe('bad_signature');
  });

  it("refuses one session's link for another session", () => {
    const { sut } = setup();
    const grant = grantOf(sut.sign(SESSION, 'png', CODE_EXPIRES));
    expect(refusal(() => sut.verify(OTHER_SESSION, 'png', grant))).toBe('bad_signature');
  });

  it('refuses a link signed with another key', () => {
    const grant = grantOf(
      setup({ imageSigningSecret: 'another-secret-of-16-chars' }).sut.sign(SESSION, 'png', CODE_EXPIRES),
    );
    expect(refusal(() => setup().sut.verify(SESSION, 'png', grant))).toBe('bad_signature');
  });

  it('calls a forged link forged even when it has also expired', () => {
    const { sut, clock } = setup();
    const { exp } = sut.sign(SESSION, 'png', CODE_EXPIRES);
    clock.advance(TTL_SECONDS * 2000);
    expect(refusal(() => sut.verify(SESSION, 'png', { exp: String(exp), sig: 'A'.repeat(22) }))).toBe(
      'bad_signature',
    );
  });

  it.each<[string, QrImageGrant, string]>([
    ['no exp and no sig', {}, 'missing'],
    ['no sig', { exp: '1748779200' }, 'missing'],
    ['an empty sig', { exp: '1748779200', sig: '' }, 'missing'],
    ['no exp', { sig: 'A'.repeat(22) }, 'missing'],
    ['a repeated sig', { exp: '1748779200', sig: ['A'.repeat(22), 'B'.repeat(22)] }, 'malformed'],
    ['a non-numeric exp', { exp: '1748779200.5', sig: 'A'.repeat(22) }, 'malformed'],
    ['a negative exp', { exp: '-1', sig: 'A'.repeat(22) }, 'malformed'],
    ['a sig of the wrong length', { exp: '1748779200', sig: 'A'.repeat(64) }, 'bad_signature'],
  ])('refuses %s', (_, grant, reason) => {
    const { sut } = setup();
    expect(refusal(() => sut.verify(SESSION, 'png', grant))).toBe(reason);
  });

  it('opens and signs nothing without a key', () => {
    const { sut } = setup({ imageSigningSecret: undefined });
    expect(refusal(() => sut.verify(SESSION, 'png', { exp: '1748779200', sig: 'A'.repeat(22) }))).toBe(
      'unsigned',
    );
    expect(refusal(() => sut.sign(SESSION, 'png', CODE_EXPIRES))).toBe('unsigned');
  });
});
