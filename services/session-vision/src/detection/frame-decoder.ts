import sharp from 'sharp';

/** The frame was not an image sharp can decode (or it was absurdly large); the frame is skipped. */
export class UndecodableFrameError extends Error {
  constructor(reason: string) {
    super(`frame is not a decodable image: ${reason}; it was skipped (mirrors must publish JPEG frames)`);
    this.name = 'UndecodableFrameError';
  }
}

export interface DecodedFrame {
  /** Packed RGB, row-major. */
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Small grayscale copy for the frame-difference check. */
  thumb: Uint8Array;
}

export interface DecodeOptions {
  maxWidth: number;
  maxHeight: number;
  thumbWidth: number;
  thumbHeight: number;
}

// A 640x480 camera frame is ~0.3 MP; anything past this is not a camera frame but a decompression bomb.
const MAX_INPUT_PIXELS = 50_000_000;

/** Decodes an image (JPEG from mirrors), shrinking it to fit the working size, plus a grayscale thumbnail. */
export async function decodeFrame(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedFrame> {
  if (bytes.byteLength < 16) throw new UndecodableFrameError(`only ${bytes.byteLength} bytes`);
  try {
    const input = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
    const { data, info } = await input
      .clone()
      .resize({ width: options.maxWidth, height: options.maxHeight, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new UndecodableFrameError(`${info.channels} channels after conversion`);
    const thumb = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .resize({ width: options.thumbWidth, height: options.thumbHeight, fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer();
    return {
      rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      thumb: new Uint8Array(thumb.buffer, thumb.byteOffset, thumb.byteLength),
    };
  } catch (err) {
    if (err instanceof UndecodableFrameError) throw err;
    throw new UndecodableFrameError(err instanceof Error ? err.message : String(err));
  }
}
