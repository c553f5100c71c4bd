import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import sharp from 'sharp';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

/** A labelled frame of a sequence; `label` is shown in the simulator's progress output. */
export interface Frame {
  jpeg: Buffer;
  label: string;
}

/** human ships a few photos inside its npm package; the default sequence is built from them. */
export function humanAsset(file: string): string {
  // the package's exports map hides assets/, which sits next to dist/
  return join(require.resolve('@vladmandic/human'), '..', '..', 'assets', file);
}

/** A standing person, full body, cut from human's assets/samples.jpg. */
const STANDING = { left: 641, top: 0, width: 148, height: 158 };

/** Nobody there: a grey wall with a soft gradient. */
export async function emptyFrame(): Promise<Buffer> {
  const svg = `<svg width="${FRAME_WIDTH}" height="${FRAME_HEIGHT}"><defs>
    <linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#9a9a9a"/>
    <stop offset="1" stop-color="#6a6a6a"/></linearGradient></defs>
    <rect width="${FRAME_WIDTH}" height="${FRAME_HEIGHT}" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** The standing person, `height` px tall, left edge at `x`, on the grey wall. */
export async function personFrame(x: number, height = 400): Promise<Buffer> {
  const person = await sharp(humanAsset('samples.jpg')).extract(STANDING).resize({ height }).toBuffer();
  const { width = 0 } = await sharp(person).metadata();
  const left = Math.round(Math.max(0, Math.min(FRAME_WIDTH - width, x)));
  return sharp({
    create: { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 3, background: { r: 120, g: 120, b: 120 } },
  })
    .composite([{ input: person, left, top: Math.round((FRAME_HEIGHT - height) / 2) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * The default visit, from images that come with npm packages (no download): an empty room, a person
 * stepping in and standing (swaying a little, as people do), then the room empty again.
 */
export async function defaultSequence(fps: number, personSeconds = 12, emptySeconds = 3): Promise<Frame[]> {
  const empty = await emptyFrame();
  const frames: Frame[] = [];
  for (let i = 0; i < Math.round(emptySeconds * fps); i++) frames.push({ jpeg: empty, label: 'empty' });
  const n = Math.round(personSeconds * fps);
  const cache = new Map<number, Buffer>();
  for (let i = 0; i < n; i++) {
    const x = 250 + Math.round(6 * Math.sin(i / 4));
    if (!cache.has(x)) cache.set(x, await personFrame(x));
    frames.push({ jpeg: cache.get(x)!, label: 'person' });
  }
  for (let i = 0; i < Math.round(emptySeconds * fps); i++) frames.push({ jpeg: empty, label: 'empty' });
  return frames;
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

/** Every image of a folder, in name order, re-encoded as 640x480 JPEG frames. */
export async function folderSequence(folder: string): Promise<Frame[]> {
  const files = readdirSync(folder)
    .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()))
    .sort();
  if (files.length === 0) throw new Error(`no .jpg/.png/.webp images in ${folder}`);
  return Promise.all(
    files.map(async (f) => ({ jpeg: await toFrame(readFileSync(join(folder, f))), label: f })),
  );
}

/** Frames of a video file at `fps`, extracted with ffmpeg (Debian's package) when it is installed. */
export async function videoSequence(file: string, fps: number): Promise<Frame[]> {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('ffmpeg is not installed (apt-get install ffmpeg) — or pass a folder of images instead');
  }
  const dir = mkdtempSync(join(tmpdir(), 'mirror-sim-'));
  try {
    execFileSync('ffmpeg', ['-loglevel', 'error', '-i', file, '-vf', `fps=${fps}`, join(dir, 'f%06d.jpg')]);
    return await folderSequence(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function toFrame(image: Buffer): Promise<Buffer> {
  return sharp(image)
    .rotate()
    .resize(FRAME_WIDTH, FRAME_HEIGHT, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}
