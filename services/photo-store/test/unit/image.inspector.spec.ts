import { ImageInspector, PHOTO_MAX_PIXELS } from '../../src/photos/image.inspector';
import { PhotoRejectedError, type RejectionCode } from '../../src/photos/photo.errors';
import { elevenMegabytePng, fiftyMegapixelPng, photo, textFile, truncatedJpeg } from '../support/images';

async function rejection(p: Promise<unknown>): Promise<RejectionCode> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof PhotoRejectedError)) throw new Error(`expected a PhotoRejectedError, got ${String(e)}`);
  return e.code;
}

describe(ImageInspector.name, () => {
  const sut = new ImageInspector();

  it.each(['jpeg', 'png', 'webp'] as const)('accepts a %s photo and reports its format', async (format) => {
    const facts = await sut.inspect(await photo({ format, width: 300, height: 200 }));
    expect(facts).toMatchObject({ format, width: 300, height: 200 });
    expect(facts.contentType).toBe(`image/${format}`);
  });

  it('reports upright dimensions when EXIF says the camera was turned', async () => {
    const facts = await sut.inspect(await photo({ width: 300, height: 200, orientation: 6 }));
    expect(facts).toMatchObject({ width: 200, height: 300 });
  });

  it('refuses a text file', async () => {
    expect(await rejection(sut.inspect(textFile()))).toBe('not-an-image');
  });

  it('refuses an image format mirrors do not send', async () => {
    expect(await rejection(sut.inspect(await photo({ format: 'gif' })))).toBe('unsupported-format');
  });

  it('refuses more than 10 MB before looking at the content', async () => {
    expect(await rejection(sut.inspect(await elevenMegabytePng()))).toBe('too-large');
  });

  it('refuses more than 40 megapixels', async () => {
    expect(await rejection(sut.inspect(await fiftyMegapixelPng()))).toBe('too-many-pixels');
  });

  it('refuses a decompression bomb from its header alone, without the pixel data', async () => {
    // signature + IHDR only: decoding would fail as corrupt; the header check answers first
    const headerOnly = (await fiftyMegapixelPng()).subarray(0, 64);
    expect(await rejection(sut.inspect(headerOnly))).toBe('too-many-pixels');
  });

  it('holds photos to 10 MiB and 40 megapixels', () => {
    expect(sut.limits).toEqual({ maxBytes: 10 * 1024 * 1024, maxPixels: PHOTO_MAX_PIXELS });
    expect(PHOTO_MAX_PIXELS).toBe(40_000_000);
  });

  it('accepts exactly the pixel limit and refuses one column more', async () => {
    const small = new ImageInspector();
    small.limits.maxPixels = 300 * 200;
    await expect(small.inspect(await photo({ width: 300, height: 200 }))).resolves.toBeDefined();
    expect(await rejection(small.inspect(await photo({ width: 301, height: 200 })))).toBe('too-many-pixels');
  });

  it('leaves a truncated JPEG to the renderer (its header is intact)', async () => {
    await expect(sut.inspect(await truncatedJpeg())).resolves.toMatchObject({ format: 'jpeg' });
  });
});
