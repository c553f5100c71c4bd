import type { HandObservation, Landmark } from '../../src/detection/vision.types';
import { boxOfLandmarks } from '../../src/detection/geometry';

export type Pose = 'extended' | 'curled';
export interface HandSpec {
  thumb: Pose;
  index: Pose;
  middle: Pose;
  ring: Pose;
  pinky: Pose;
  /** Degrees, clockwise on screen: 0 = fingers up, 90 = fingers pointing right, 180 = down. */
  rotation?: number;
  /** Spread between index and middle, degrees (victory opens them). */
  spread?: number;
  center?: { x: number; y: number };
  scale?: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Builds the 21 landmarks of an upright right hand seen palm-on (wrist at the bottom, thumb on the left),
 * then turns and places it. Curled fingers fold back towards the palm like a real fist.
 */
export function handLandmarks(spec: HandSpec): Landmark[] {
  const pts: [number, number][] = [[0, 0]];
  // Thumb: from the wrist out to the left; extended it points up-left, curled it folds across the palm.
  if (spec.thumb === 'extended') pts.push([-0.3, -0.25], [-0.55, -0.45], [-0.75, -0.65], [-0.9, -0.85]);
  else pts.push([-0.3, -0.25], [-0.4, -0.5], [-0.2, -0.7], [0.0, -0.75]);
  const bases: [number, number][] = [
    [-0.3, -1],
    [-0.1, -1.05],
    [0.1, -1],
    [0.3, -0.9],
  ];
  const names = ['index', 'middle', 'ring', 'pinky'] as const;
  names.forEach((name, i) => {
    const [bx, by] = bases[i];
    const lean = name === 'index' ? -(spec.spread ?? 0) / 2 : name === 'middle' ? (spec.spread ?? 0) / 2 : 0;
    const dx = Math.sin(rad(lean));
    const dy = -Math.cos(rad(lean));
    if (spec[name] === 'extended') {
      pts.push(
        [bx, by],
        [bx + 0.4 * dx, by + 0.4 * dy],
        [bx + 0.65 * dx, by + 0.65 * dy],
        [bx + 0.85 * dx, by + 0.85 * dy],
      );
    } else {
      pts.push([bx, by], [bx, by - 0.3], [bx, by - 0.1], [bx, by + 0.15]);
    }
  });
  const r = rad(spec.rotation ?? 0);
  const scale = spec.scale ?? 40;
  const c = spec.center ?? { x: 320, y: 200 };
  // Rotation clockwise on screen (y grows down).
  return pts.map(([x, y]) => [
    c.x + scale * (x * Math.cos(r) - y * Math.sin(r)),
    c.y + scale * (x * Math.sin(r) + y * Math.cos(r)),
    0,
  ]);
}

export function handObservation(spec: HandSpec, extra: Partial<HandObservation> = {}): HandObservation {
  const landmarks = handLandmarks(spec);
  return {
    score: 0.73,
    detectorScore: null,
    label: null,
    landmarks,
    box: boxOfLandmarks(landmarks),
    source: 'pose',
    ...extra,
  };
}

const ALL = (pose: Pose) => ({ thumb: pose, index: pose, middle: pose, ring: pose, pinky: pose });
export const HANDS = {
  openPalm: { ...ALL('extended') } as HandSpec,
  four: { ...ALL('extended'), thumb: 'curled' } as HandSpec,
  fist: { ...ALL('curled') } as HandSpec,
  victory: { ...ALL('curled'), index: 'extended', middle: 'extended', spread: 30 } as HandSpec,
  pointingUp: { ...ALL('curled'), index: 'extended' } as HandSpec,
  // Thumbs up: the hand lies sideways (fingers to the right) and the thumb, on the left side, points up.
  thumbsUp: { ...ALL('curled'), thumb: 'extended', rotation: 60 } as HandSpec,
  thumbsDown: { ...ALL('curled'), thumb: 'extended', rotation: -120 } as HandSpec,
  rock: { ...ALL('curled'), index: 'extended', pinky: 'extended' } as HandSpec,
  call: { ...ALL('curled'), thumb: 'extended', pinky: 'extended', rotation: 60 } as HandSpec,
};
