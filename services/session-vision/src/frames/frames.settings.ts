import type { AppConfig } from '../config';
import type { FrameDifferenceOptions } from '../detection/frame-difference';

export const FRAMES_SETTINGS = Symbol('FRAMES_SETTINGS');

/** How frames are scheduled and analysed. */
export interface FramesSettings {
  /** This replica's name in logs. */
  replicaId: string;
  /** Frames captured longer ago than this are skipped. */
  maxFrameAgeMs: number;
  /** Frames are shrunk to fit this size before the models see them. */
  maxWidth: number;
  maxHeight: number;
  /** When a frame counts as unchanged (its analysis is then reused). */
  difference: FrameDifferenceOptions;
  /** Even an unchanged scene is analysed again after this long, in a session… */
  reanalyseMs: number;
  /** …and with nobody in a session (a person stepping in changes the scene anyway). */
  reanalyseIdleMs: number;
  /** With no hand tracked, the whole-frame hand detector runs at most every this many frames. */
  handDetectorIntervalFrames: number;
  /** How often open sessions are checked for timeouts. */
  sweepIntervalMs: number;
  /** Publish each frame's result on `mirror.<id>.vision`. */
  debugEvents: boolean;
}

/** The frames part of the environment. */
export function framesSettings(
  config: Pick<
    AppConfig,
    | 'REPLICA_ID'
    | 'FRAME_MAX_AGE_MS'
    | 'VISION_MAX_WIDTH'
    | 'VISION_MAX_HEIGHT'
    | 'FRAME_DIFF_PIXEL_DELTA'
    | 'FRAME_DIFF_MIN_PIXELS'
    | 'FRAME_REANALYSE_MS'
    | 'FRAME_REANALYSE_IDLE_MS'
    | 'HAND_DETECTOR_INTERVAL_FRAMES'
    | 'SWEEP_INTERVAL_MS'
    | 'VISION_DEBUG_EVENTS'
  >,
): FramesSettings {
  return {
    replicaId: config.REPLICA_ID,
    maxFrameAgeMs: config.FRAME_MAX_AGE_MS,
    maxWidth: config.VISION_MAX_WIDTH,
    maxHeight: config.VISION_MAX_HEIGHT,
    difference: { pixelDelta: config.FRAME_DIFF_PIXEL_DELTA, minChangedPixels: config.FRAME_DIFF_MIN_PIXELS },
    reanalyseMs: config.FRAME_REANALYSE_MS,
    reanalyseIdleMs: config.FRAME_REANALYSE_IDLE_MS,
    handDetectorIntervalFrames: config.HAND_DETECTOR_INTERVAL_FRAMES,
    sweepIntervalMs: config.SWEEP_INTERVAL_MS,
    debugEvents: config.VISION_DEBUG_EVENTS,
  };
}
