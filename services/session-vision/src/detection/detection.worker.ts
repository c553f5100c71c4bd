import { workerData } from 'worker_threads';
import { decodeFrame, UndecodableFrameError } from './frame-decoder';
import { type FrameDifferenceOptions, isNearDuplicate } from './frame-difference';
import type { HandRegion } from './geometry';
import { VisionEngine, type VisionEngineOptions } from './vision-engine';
import type { AnalysisMode, BodyObservation, FrameAnalysis } from './vision.types';

export interface DetectionTask {
  jpeg: Uint8Array;
  mode: AnalysisMode;
  handHints: HandRegion[];
  handDetector: 'always' | 'if-none-found' | 'never';
  landmarkPasses: number;
  reuseBody?: BodyObservation | null;
  searchWrists?: boolean;
  /** Thumbnail of the last analysed frame of this mirror; a near-duplicate frame is not analysed. */
  previousThumb: Uint8Array | null;
  difference: FrameDifferenceOptions;
  maxWidth: number;
  maxHeight: number;
}

export type DetectionResult =
  | { kind: 'undecodable'; reason: string }
  | { kind: 'duplicate'; decodeMs: number }
  | { kind: 'analysed'; analysis: FrameAnalysis; thumb: Uint8Array };

export const THUMB_WIDTH = 160;
export const THUMB_HEIGHT = 120;

let engine: Promise<VisionEngine> | null = null;

function getEngine(): Promise<VisionEngine> {
  engine ??= VisionEngine.create(
    (workerData as { engine?: Partial<VisionEngineOptions> } | null)?.engine ?? {},
  );
  return engine;
}

/** Worker-thread entry (piscina): decode, skip near-duplicates, run the models. */
export default async function detect(task: DetectionTask): Promise<DetectionResult> {
  const models = await getEngine();
  const t0 = performance.now();
  let frame;
  try {
    frame = await decodeFrame(task.jpeg, {
      maxWidth: task.maxWidth,
      maxHeight: task.maxHeight,
      thumbWidth: THUMB_WIDTH,
      thumbHeight: THUMB_HEIGHT,
    });
  } catch (err) {
    if (err instanceof UndecodableFrameError) return { kind: 'undecodable', reason: err.message };
    throw err;
  }
  const decodeMs = performance.now() - t0;
  if (isNearDuplicate(task.previousThumb, frame.thumb, task.difference))
    return { kind: 'duplicate', decodeMs };
  const { inferenceMs, ...analysis } = await models.analyze({
    rgb: frame.rgb,
    width: frame.width,
    height: frame.height,
    mode: task.mode,
    handHints: task.handHints,
    handDetector: task.handDetector,
    landmarkPasses: task.landmarkPasses,
    reuseBody: task.reuseBody ?? null,
    searchWrists: task.searchWrists ?? true,
  });
  return {
    kind: 'analysed',
    analysis: { ...analysis, timings: { decodeMs, inferenceMs } },
    thumb: frame.thumb,
  };
}

/** Loads the models and runs each once (wasm kernels set themselves up on first use), before real frames. */
export async function warmUp(): Promise<boolean> {
  const models = await getEngine();
  const width = 320;
  const height = 240;
  const rgb = new Uint8Array(width * height * 3).fill(128);
  const base = { rgb, width, height, landmarkPasses: 1 };
  await models.analyze({ ...base, mode: 'presence', handHints: [], handDetector: 'never' });
  await models.analyze({
    ...base,
    mode: 'session',
    handHints: [{ cx: 160, cy: 120, size: 100, angle: 0 }],
    handDetector: 'always',
  });
  return true;
}
