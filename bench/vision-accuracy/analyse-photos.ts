import { decodeFrame } from '../../services/session-vision/src/detection/frame-decoder';
import { VisionEngine } from '../../services/session-vision/src/detection/vision-engine';
import type { FrameAnalysis } from '../../services/session-vision/src/detection/vision.types';
import { readFileSync } from 'fs';
import type { LabelledPhoto } from './fixtures';

export interface PhotoAnalyses {
  /** Face + body only, as while no session is open. */
  presence: FrameAnalysis;
  /** Body, hands (wrist regions, two landmark passes, the whole-frame detector), as in a session. */
  session: FrameAnalysis;
}

/** Runs the engine over each photo, shrunk to the service's working size as a 640x480 camera would send. */
export async function analysePhotos(
  photos: LabelledPhoto[],
  engine: VisionEngine,
  size = { maxWidth: 640, maxHeight: 480 },
): Promise<Record<string, PhotoAnalyses>> {
  const out: Record<string, PhotoAnalyses> = {};
  for (const photo of photos) {
    const t0 = performance.now();
    const frame = await decodeFrame(readFileSync(photo.path), { ...size, thumbWidth: 80, thumbHeight: 60 });
    const decodeMs = performance.now() - t0;
    const base = { rgb: frame.rgb, width: frame.width, height: frame.height, handHints: [] };
    const run = async (mode: 'presence' | 'session'): Promise<FrameAnalysis> => {
      const { inferenceMs, ...a } = await engine.analyze({ ...base, mode, handDetector: 'always', landmarkPasses: 2 });
      return { ...a, timings: { decodeMs, inferenceMs } };
    };
    out[photo.file] = { presence: await run('presence'), session: await run('session') };
  }
  return out;
}
