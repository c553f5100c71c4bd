import { join } from 'path';
import sharp from 'sharp';

/** human ships a few photos in its package (assets/); tests build camera frames from them. */
export function humanAsset(file: string): string {
  // The package's exports map hides everything but its entry points; assets/ sits next to dist/.
  return join(require.resolve('@vladmandic/human'), '..', '..', 'assets', file);
}

/** Single-person tiles of assets/samples.jpg (the collage's top row). */
export const TILES = {
  /** A woman standing, full body, hands down. */
  standing: { left: 641, top: 0, width: 148, height: 158 },
  /** A man at a table holding chopsticks: one hand raised in front of him. */
  chopsticks: { left: 326, top: 0, width: 210, height: 158 },
  /** The same man, cropped to himself: narrow enough to travel across the frame. */
  diner: { left: 380, top: 0, width: 156, height: 158 },
  /** A woman seated, head and shoulders. */
  seated: { left: 166, top: 0, width: 150, height: 158 },
};

const W = 640;
const H = 480;
const GREY = { r: 120, g: 120, b: 120 };

/** An empty scene: a flat grey wall with a soft gradient (what a mirror sees with nobody there). */
export async function emptyFrame(): Promise<Buffer> {
  const svg = `<svg width="${W}" height="${H}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#9a9a9a"/><stop offset="1" stop-color="#6a6a6a"/></linearGradient></defs>
    <rect width="${W}" height="${H}" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** A 640x480 frame with a tile of samples.jpg, `height` pixels tall, its left edge at `x`. */
export async function personFrame(tile: keyof typeof TILES, x: number, height = 400): Promise<Buffer> {
  const person = await sharp(humanAsset('samples.jpg')).extract(TILES[tile]).resize({ height }).toBuffer();
  const { width } = await sharp(person).metadata();
  const left = Math.round(Math.max(0, Math.min(W - (width ?? 0), x)));
  return sharp({ create: { width: W, height: H, channels: 3, background: GREY } })
    .composite([{ input: person, left, top: Math.round((H - height) / 2) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Bytes that are not an image, in several flavours. */
export function garbageFrames(): Buffer[] {
  const random = Buffer.alloc(20_000);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  return [
    random,
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
    Buffer.alloc(0),
    Buffer.from('{"frame":"not really"}'),
    Buffer.concat([Buffer.from([0xff, 0xd8]), random]),
  ];
}
