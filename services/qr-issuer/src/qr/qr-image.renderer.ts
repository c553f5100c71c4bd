import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';

export type QrImageFormat = 'png' | 'svg';

export const QR_IMAGE_CONTENT_TYPES: Record<QrImageFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
};

/** Images kept in memory: a mirror screen asks for the same code again and again while it is shown. */
const CACHE_ENTRIES = 512;

/**
 * Renders the QR image of a ticket's `url` locally (no round trip to WeChat's showqrcode). Level M error
 * correction and a 4-module quiet zone, as phone cameras expect; PNG at 8 pixels per module.
 */
@Injectable()
export class QrImageRenderer {
  private readonly cache = new Map<string, Buffer>();

  async render(url: string, format: QrImageFormat): Promise<Buffer> {
    const key = `${format} ${url}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const image =
      format === 'png'
        ? await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 })
        : Buffer.from(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, image);
    return image;
  }
}
