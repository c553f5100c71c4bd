import { Injectable } from '@nestjs/common';
import { PHOTO_MAX_BYTES } from '@mirror/contracts';
import sharp from 'sharp';
import { PhotoRejectedError } from './photo.errors';

/** Largest photo accepted, in pixels (a 40-megapixel camera); bigger is refused from the header alone. */
export const PHOTO_MAX_PIXELS = 40_000_000;

const FORMATS = {
  jpeg: { ext: 'jpg', contentType: 'image/jpeg' },
  png: { ext: 'png', contentType: 'image/png' },
  webp: { ext: 'webp', contentType: 'image/webp' },
} as const;
export type PhotoFormat = keyof typeof FORMATS;

/** What the header of an accepted photo says. Width and height are upright (EXIF orientation applied). */
export interface ImageFacts {
  format: PhotoFormat;
  ext: string;
  contentType: string;
  width: number;
  height: number;
}

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

/**
 * Checks a photo from its size and header only (sharp's `metadata()` parses the header without decoding
 * pixels), so an oversized file or a decompression bomb is refused before any pixel buffer is allocated.
 * Decoding problems (a truncated file) surface later, in the renderer.
 */
@Injectable()
export class ImageInspector {
  readonly limits: ImageLimits = { maxBytes: PHOTO_MAX_BYTES, maxPixels: PHOTO_MAX_PIXELS };

  async inspect(bytes: Uint8Array): Promise<ImageFacts> {
    const { maxBytes, maxPixels } = this.limits;
    if (bytes.length > maxBytes) {
      throw new PhotoRejectedError('too-large', `${bytes.length} bytes > ${maxBytes} bytes`);
    }
    let meta: sharp.Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (e) {
      throw new PhotoRejectedError('not-an-image', `not a readable image (${errorText(e)})`);
    }
    const format = meta.format in FORMATS ? (meta.format as PhotoFormat) : undefined;
    if (!format) {
      throw new PhotoRejectedError('unsupported-format', `${meta.format} is not JPEG, PNG or WebP`);
    }
    const { width, height } = meta;
    if (!(width > 0 && height > 0)) {
      throw new PhotoRejectedError('not-an-image', 'the header gives no dimensions');
    }
    if (width * height > maxPixels) {
      throw new PhotoRejectedError('too-many-pixels', `${width}x${height} is more than ${maxPixels} pixels`);
    }
    const sideways = (meta.orientation ?? 1) >= 5;
    return {
      format,
      ...FORMATS[format],
      width: sideways ? height : width,
      height: sideways ? width : height,
    };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
