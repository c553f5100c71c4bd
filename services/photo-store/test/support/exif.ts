/**
 * A minimal EXIF reader for tests: the tags of IFD0 and of the GPS IFD, from the block sharp's `metadata().exif`
 * returns ("Exif\0\0" + a TIFF structure). Enough to tell whether a file still carries a location.
 */
export interface ExifSummary {
  ifd0Tags: number[];
  gpsTags: number[];
}

const GPS_POINTER = 0x8825;

export function readExif(block: Buffer | undefined): ExifSummary | null {
  if (!block || block.length < 14) return null;
  const tiff = block.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? block.subarray(6) : block;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const entries = (offset: number): { tag: number; value: number }[] => {
    const count = u16(offset);
    return Array.from({ length: count }, (_, i) => {
      const at = offset + 2 + i * 12;
      return { tag: u16(at), value: u32(at + 8) };
    });
  };
  const ifd0 = entries(u32(4));
  const gps = ifd0.find((e) => e.tag === GPS_POINTER);
  return { ifd0Tags: ifd0.map((e) => e.tag), gpsTags: gps ? entries(gps.value).map((e) => e.tag) : [] };
}

/** GPS tag ids: 1 latitude ref, 2 latitude, 3 longitude ref, 4 longitude. */
export const GPS_LATITUDE = 2;
export const GPS_LONGITUDE = 4;
