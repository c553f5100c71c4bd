import jsQR from 'jsqr';
import sharp from 'sharp';
import { Clock } from '@mirror/platform';
import { QrImageSigner, type QrImageResource } from '../../src/qr/qr-image.signer';

/** Reads the text a QR image (PNG or SVG) encodes, as a phone camera would; null when none is found. */
export async function decodeQr(image: Buffer): Promise<string | null> {
  const { data, info } = await sharp(image, { density: 150 })
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data ?? null;
}

/** A link signed as qr-issuer signs them (same key), for a format or session the display message does not name. */
export function signedPath(
  sessionId: string,
  format: QrImageResource,
  signingSecret: string,
  ttlSeconds = 600,
): string {
  const signer = new QrImageSigner(new Clock(), {
    expireSeconds: ttlSeconds,
    imageSigningSecret: signingSecret,
    imageUrlTtlSeconds: ttlSeconds,
  });
  return signer.signedUrl('', sessionId, format, Date.now() + ttlSeconds * 1000);
}
