import sharp from 'sharp';

/** Test photos made with sharp at test time (no binary fixtures). */
export interface PhotoSpec {
  width?: number;
  height?: number;
  /** Varies the colour, so photos made with different seeds have different bytes. */
  seed?: number;
  format?: 'jpeg' | 'png' | 'webp' | 'gif';
  /** EXIF orientation tag (6 = the camera was turned a quarter clockwise). */
  orientation?: number;
  /** Adds an EXIF GPS block (Shanghai), as a phone or a mirror camera with location might. */
  gps?: boolean;
}

export const GPS_EXIF = {
  IFD0: { Make: 'MirrorCam', Model: 'FM-1' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '31/1 14/1 0/1',
    GPSLongitudeRef: 'E',
    GPSLongitude: '121/1 28/1 0/1',
  },
};

export async function photo(spec: PhotoSpec = {}): Promise<Buffer> {
  const { width = 640, height = 480, seed = 0, format = 'jpeg' } = spec;
  const background = { r: (seed * 37) % 256, g: (seed * 91 + 60) % 256, b: (seed * 13 + 120) % 256 };
  let img = sharp({ create: { width, height, channels: 3, background } });
  // a marker in one corner keeps the orientation observable after a rotation
  const marker = await sharp({
    create: {
      width: Math.ceil(width / 4),
      height: Math.ceil(height / 4),
      channels: 3,
      background: '#ffffff',
    },
  })
    .png()
    .toBuffer();
  img = img.composite([{ input: marker, left: 0, top: 0 }]);
  if (spec.gps) img = img.withExif(GPS_EXIF);
  if (spec.orientation) img = img.withMetadata({ orientation: spec.orientation });
  if (format === 'png') return img.png().toBuffer();
  if (format === 'webp') return img.webp().toBuffer();
  if (format === 'gif') return img.gif().toBuffer();
  return img.jpeg({ quality: 90 }).toBuffer();
}

/** The first half of a JPEG: a valid header, then the data stops. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await photo({ width: 800, height: 600, seed: 7 });
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** Plain text, as if a `.txt` had been renamed `photo.jpg`. */
export function textFile(): Buffer {
  return Buffer.from('These are my shopping notes, not a photo.\nsize M, blue\n'.repeat(20));
}

/** A real PNG of about 11 MB (uncompressed, 1914x1914): over the 10 MB limit, under the stream's 11 MiB. */
export function elevenMegabytePng(): Promise<Buffer> {
  return sharp({ create: { width: 1914, height: 1914, channels: 3, background: '#336699' } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** A 50-megapixel PNG (10000x5000) that compresses to ~150 KB: a decompression bomb for a naive decoder. */
export function fiftyMegapixelPng(): Promise<Buffer> {
  return sharp({ create: { width: 10000, height: 5000, channels: 3, background: '#000000' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
