import type { AppConfig } from '../config';
import type { GateSettings } from './gesture-gate';
import type { SwipeSettings } from './swipe-detector';

export const GESTURES_SETTINGS = Symbol('GESTURES_SETTINGS');

/** When poses and swipes become commands. */
export interface GesturesSettings {
  gate: GateSettings;
  swipe: SwipeSettings;
  /** A pose below this confidence (0..1) is no pose. */
  minConfidence: number;
}

/** The gestures part of the environment; drift, slope and sightings are fixed by the rules' tuning. */
export function gesturesSettings(
  config: Pick<
    AppConfig,
    | 'GESTURE_HOLD_FRAMES'
    | 'GESTURE_REFRACTORY_MS'
    | 'GESTURE_MIN_CONFIDENCE'
    | 'SWIPE_MIN_TRAVEL'
    | 'SWIPE_MAX_DURATION_MS'
  >,
): GesturesSettings {
  return {
    gate: {
      holdFrames: config.GESTURE_HOLD_FRAMES,
      refractoryMs: config.GESTURE_REFRACTORY_MS,
      maxDrift: 0.06,
    },
    swipe: {
      minTravel: config.SWIPE_MIN_TRAVEL,
      maxDurationMs: config.SWIPE_MAX_DURATION_MS,
      maxSlope: 0.6,
      minPoints: 3,
    },
    minConfidence: config.GESTURE_MIN_CONFIDENCE,
  };
}
