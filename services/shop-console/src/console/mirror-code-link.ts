import { tag } from '@mirror/web-auth';

/**
 * A signed, expiring link to a mirror's permanent code at qr-issuer (`GET /qr/mirrors/<id>.<format>`): the
 * tag is HMAC-SHA256 with qr-issuer's QR_IMAGE_SIGNING_SECRET over `qr-mirror-code-v1.<id>.<format>.<exp>`,
 * as qr-issuer's QrImageSigner checks it (test/mirror-code-link.spec.ts holds the two together).
 */
export function mirrorCodeUrl(
  baseUrl: string,
  secret: string,
  mirrorId: string,
  format: 'png' | 'svg',
  exp: number,
): string {
  const sig = tag(secret, `qr-mirror-code-v1.${mirrorId}.${format}.${exp}`);
  return `${baseUrl.replace(/\/+$/, '')}/qr/mirrors/${encodeURIComponent(mirrorId)}.${format}?exp=${exp}&sig=${sig}`;
}
