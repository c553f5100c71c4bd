import type { PhotoVariant } from '@mirror/contracts';

export type PhotoKeys = Record<PhotoVariant, string>;

/**
 * Object keys of a photo: `mirrors/<mirrorId>/<yyyy>/<mm>/<dd>/<photoId>/{original,display,thumb}.<ext>`.
 * Derived only from the message (the UTC date of `taken-at`, not of processing), so a redelivery after a
 * crash overwrites the same objects instead of leaving a second set behind.
 */
export function photoKeys(
  p: { mirrorId: string; photoId: string; takenAt: string },
  originalExt: string,
): PhotoKeys {
  const at = new Date(p.takenAt);
  const yyyy = String(at.getUTCFullYear()).padStart(4, '0');
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  const base = `mirrors/${p.mirrorId}/${yyyy}/${mm}/${dd}/${p.photoId}`;
  return {
    original: `${base}/original.${originalExt}`,
    display: `${base}/display.jpg`,
    thumb: `${base}/thumb.jpg`,
  };
}

/** The index entry of a photo: found from the photo id alone, as `photo.url` and `photo.delete` need. */
export function indexKey(photoId: string): string {
  return `index/photos/${photoId}.json`;
}
