import jsQR from 'jsqr';
import sharp from 'sharp';

/** Reads the text a QR image (PNG or SVG) encodes, as a phone camera would; null when none is found. */
export async function decodeQr(image: Buffer): Promise<string | null> {
  const { data, info } = await sharp(image, { density: 150 })
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data ?? null;
}
