import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';

export type QrImageFormat = 'png' | 'svg';

export const QR_IMAGE_CONTENT_TYPES: Record<QrImageFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
};

/** Images kept in memory: a mirror screen asks for the same code again and again while it is shown. */
const CACHE_ENTRIES = 512;
/** Print sizes of a PNG, in pixels per side: 1200 is 10 cm at 300 dpi, a mirror frame's sticker. */
export const PRINT_SIZE = { min: 256, max: 4096, default: 1200 } as const;

/**
 * Renders the QR image of a ticket's `url` locally (no round trip to WeChat's showqrcode). Level M error
 * correction and a 4-module quiet zone, as phone cameras expect; PNG at 8 pixels per module.
 */
@Injectable()
export class QrImageRenderer {
  private readonly cache = new Map<string, Buffer>();

  async render(url: string, format: QrImageFormat): Promise<Buffer> {
    return this.cached(`${format} ${url}`, async () =>
      format === 'png'
        ? await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 })
        : Buffer.from(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })),
    );
  }

  /**
   * For print: a PNG `sizePx` pixels wide (quiet zone included), or an SVG drawn at that size (vector: any
   * size prints sharp). Level M and a 4-module quiet zone, like the screen images.
   */
  async renderForPrint(
    url: string,
    format: QrImageFormat,
    sizePx: number = PRINT_SIZE.default,
  ): Promise<Buffer> {
    const options = { errorCorrectionLevel: 'M', margin: 4, width: sizePx } as const;
    return this.cached(`print ${format} ${sizePx} ${url}`, async () =>
      format === 'png'
        ? await QRCode.toBuffer(url, { type: 'png', ...options })
        : Buffer.from(await QRCode.toString(url, { type: 'svg', ...options })),
    );
  }

  private async cached(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const image = await render();
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, image);
    return image;
  }
}
