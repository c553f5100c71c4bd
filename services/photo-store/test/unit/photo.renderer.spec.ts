import sharp from 'sharp';
import { PhotoRejectedError } from '../../src/photos/photo.errors';
import { DISPLAY_MAX_PX, PhotoRenderer, THUMB_MAX_PX } from '../../src/photos/photo.renderer';
import { readExif } from '../support/exif';
import { photo, truncatedJpeg } from '../support/images';

describe(PhotoRenderer.name, () => {
  const sut = new PhotoRenderer();

  it('bounds the display variant to 2048 px and the thumbnail to 320 px on the long side', async () => {
    const { display, thumb } = await sut.render(await photo({ width: 3000, height: 2000 }));
    expect(await sharp(display).metadata()).toMatchObject({
      format: 'jpeg',
      width: DISPLAY_MAX_PX,
      height: 1365,
    });
    expect(await sharp(thumb).metadata()).toMatchObject({ format: 'jpeg', width: THUMB_MAX_PX, height: 213 });
  });

  it('never enlarges a small photo', async () => {
    const { display } = await sut.render(await photo({ width: 200, height: 100, format: 'png' }));
    expect(await sharp(display).metadata()).toMatchObject({ width: 200, height: 100 });
  });

  it('applies the EXIF orientation to the pixels', async () => {
    const { display, thumb } = await sut.render(await photo({ width: 400, height: 300, orientation: 6 }));
    const d = await sharp(display).metadata();
    expect([d.width, d.height, d.orientation]).toEqual([300, 400, undefined]);
    // the white marker was top-left; a quarter turn clockwise puts it top-right
    const { data, info } = await sharp(thumb).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels];
    expect(at(info.width - 5, 5)).toBeGreaterThan(240);
    expect(at(5, 5)).toBeLessThan(240);
  });

  it('strips all metadata, GPS included', async () => {
    const input = await photo({ width: 800, height: 600, gps: true });
    expect(readExif((await sharp(input).metadata()).exif)?.gpsTags.length).toBeGreaterThan(0);
    for (const variant of Object.values(await sut.render(input))) {
      const m = await sharp(variant).metadata();
      expect([m.exif, m.xmp, m.iptc, m.icc]).toEqual([undefined, undefined, undefined, undefined]);
    }
  });

  it('refuses a truncated JPEG as corrupt', async () => {
    const error = await sut.render(await truncatedJpeg()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoRejectedError);
    expect((error as PhotoRejectedError).code).toBe('corrupt');
    // the reason goes into message headers, where a line break would make the dead letter unpublishable
    expect((error as PhotoRejectedError).message).not.toMatch(/[\r\n]/);
  });
});
