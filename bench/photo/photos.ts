import sharp from 'sharp';

/**
 * A 12-megapixel camera-like JPEG of about 3 MB: a smooth random texture (upscaled coarse noise) with a little
 * sensor noise, at quality 90. Pure noise would be twice the size for the same pixels; a flat colour far smaller.
 */
export async function camera12MpJpeg(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const coarse = await sharp({
    create: {
      width: 400,
      height: 300,
      channels: 3,
      background: '#000000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  const fine = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#000000',
      noise: { type: 'gaussian', mean: 128, sigma: 3 },
    },
  })
    .raw()
    .toBuffer();
  for (let i = 0; i < coarse.length; i++) coarse[i] = Math.max(0, Math.min(255, coarse[i] + fine[i] - 128));
  return sharp(coarse, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** `n` copies of a JPEG that differ only in a comment segment after SOI: same image, different sha256. */
export function distinctCopies(jpeg: Buffer, n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const text = Buffer.from(`bench copy ${String(i).padStart(6, '0')}`);
    const segment = Buffer.alloc(4);
    segment.writeUInt16BE(0xfffe, 0);
    segment.writeUInt16BE(text.length + 2, 2);
    return Buffer.concat([jpeg.subarray(0, 2), segment, text, jpeg.subarray(2)]);
  });
}
