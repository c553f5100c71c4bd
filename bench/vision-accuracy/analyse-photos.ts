import { readFileSync } from 'fs';
import sharp from 'sharp';
import { decodeFrame } from '@mirror/svc-session-vision/src/detection/frame-decoder';
import type { VisionEngine } from '@mirror/svc-session-vision/src/detection/vision-engine';
import type { FrameAnalysis } from '@mirror/svc-session-vision/src/detection/vision.types';
import type { LabelledPhoto } from './fixtures';

export interface PhotoAnalyses {
  /** Face + body only, as while no session is open. */
  presence: FrameAnalysis;
  /** Body, hands (wrist regions, the whole-frame detector, two landmark passes), as in a session. */
  session: FrameAnalysis;
}

/** How a photo is turned into a camera frame: the working size, and optionally mirrored left-right. */
export interface Variant {
  name: string;
  maxWidth: number;
  maxHeight: number;
  mirrored: boolean;
}

export async function photoAsFrame(photo: LabelledPhoto, variant: Variant): Promise<Buffer> {
  const image = sharp(readFileSync(photo.path)).rotate();
  return (variant.mirrored ? image.flop() : image).jpeg({ quality: 90 }).toBuffer();
}

/** Runs the engine over each photo, shrunk to the working size as a camera at that size would send it. */
export async function analysePhotos(
  photos: LabelledPhoto[],
  engine: VisionEngine,
  variant: Variant,
): Promise<Record<string, PhotoAnalyses>> {
  const out: Record<string, PhotoAnalyses> = {};
  for (const photo of photos) {
    const jpeg = await photoAsFrame(photo, variant);
    const t0 = performance.now();
    const frame = await decodeFrame(jpeg, { ...variant, thumbWidth: 80, thumbHeight: 60 });
    const decodeMs = performance.now() - t0;
    const base = { rgb: frame.rgb, width: frame.width, height: frame.height, handHints: [] };
    const run = async (mode: 'presence' | 'session'): Promise<FrameAnalysis> => {
      const { inferenceMs, ...a } = await engine.analyze({
        ...base,
        mode,
        handDetector: 'always',
        landmarkPasses: 2,
      });
      return { ...a, timings: { decodeMs, inferenceMs } };
    };
    out[photo.file] = { presence: await run('presence'), session: await run('session') };
  }
  return out;
}
