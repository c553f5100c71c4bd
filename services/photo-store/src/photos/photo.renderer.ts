import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { PHOTO_MAX_PIXELS, errorText } from './image.inspector';
import { PhotoRejectedError } from './photo.errors';

/** Long side of the display variant, px. */
export const DISPLAY_MAX_PX = 2048;
/** Long side of the thumbnail, px. */
export const THUMB_MAX_PX = 320;

export interface RenderedVariants {
  display: Buffer;
  thumb: Buffer;
}

// Every photo is different: sharp's operation cache would only hold memory.
sharp.cache(false);

/**
 * Makes the display and thumbnail variants: upright (EXIF orientation applied), bounded, re-encoded as
 * JPEG with no metadata at all (sharp writes none unless asked: no EXIF, so no GPS, no XMP, no ICC).
 * Decoding runs on sharp's thread pool, off the event loop.
 */
@Injectable()
export class PhotoRenderer {
  async render(bytes: Uint8Array): Promise<RenderedVariants> {
    try {
      const display = await this.variant(bytes, DISPLAY_MAX_PX, 85);
      // from the display variant, already upright: decoding 2048 px instead of the original costs a third
      const thumb = await this.variant(display, THUMB_MAX_PX, 80);
      return { display, thumb };
    } catch (e) {
      // the header was fine (inspected first), so a failure here is in the pixel data: truncated or corrupt;
      // libvips may repeat its message on several lines: keep the first
      const cause = errorText(e).split('\n')[0];
      throw new PhotoRejectedError('corrupt', `the image data cannot be decoded (${cause})`);
    }
  }

  private variant(bytes: Uint8Array, maxSide: number, quality: number): Promise<Buffer> {
    return sharp(bytes, { failOn: 'truncated', limitInputPixels: PHOTO_MAX_PIXELS, autoOrient: true })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality })
      .toBuffer();
  }
}
