import type { Landmark } from '../detection/vision.types';

/** Landmark indices (MediaPipe hands). */
export const WRIST = 0;
export const FINGERS = {
  thumb: [1, 2, 3, 4],
  index: [5, 6, 7, 8],
  middle: [9, 10, 11, 12],
  ring: [13, 14, 15, 16],
  pinky: [17, 18, 19, 20],
} as const;
export type Finger = keyof typeof FINGERS;
export const LONG_FINGERS = ['index', 'middle', 'ring', 'pinky'] as const;

export type FingerState = 'extended' | 'curled' | 'unsure';

export interface HandShape {
  /** 0..1 per finger: 1 fully straight and pointing away from the palm, 0 folded into it. */
  extension: Record<Finger, number>;
  state: Record<Finger, FingerState>;
  /** Per long finger: cosine between the finger (base to tip) and the hand's axis; 1 = along it. */
  alignment: Record<(typeof LONG_FINGERS)[number], number>;
  /** Unit vector from the wrist to the middle finger's base: where the hand points (image y grows down). */
  up: { x: number; y: number };
  /** Unit vector along the thumb, from its base to its tip. */
  thumbDirection: { x: number; y: number };
  /** Unit vector along the index finger, from its base to its tip. */
  indexDirection: { x: number; y: number };
  /** Wrist to middle-finger base, in pixels: the hand's scale. */
  palmSize: number;
  /** Angle in degrees between the index and middle fingers (victory spreads them). */
  indexMiddleSpread: number;
  /** How far (in palm sizes) the thumb tip rises above every other fingertip; negative when below one. */
  thumbLead: number;
  /** How far (in palm sizes) the index tip rises above every other fingertip, the thumb's included. */
  indexLead: number;
}

type V = { x: number; y: number };
const vec = (a: Landmark, b: Landmark): V => ({ x: b[0] - a[0], y: b[1] - a[1] });
const len = (v: V) => Math.hypot(v.x, v.y);
const unit = (v: V): V => {
  const l = len(v) || 1;
  return { x: v.x / l, y: v.y / l };
};
const dot = (a: V, b: V) => a.x * b.x + a.y * b.y;
const dist = (a: Landmark, b: Landmark) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * How extended a long finger is. Two cues, both scale- and rotation-free: the tip is farther from the
 * wrist than the middle joint (a curled finger's tip comes back towards the palm), and the finger's
 * segments line up (a bent finger turns at its middle joint).
 */
function longFingerExtension(lm: Landmark[], finger: readonly number[]): number {
  const [mcp, pip, , tip] = finger.map((i) => lm[i]);
  const reach = dist(lm[WRIST], tip) / Math.max(dist(lm[WRIST], pip), 1e-6);
  const straight = dot(unit(vec(mcp, pip)), unit(vec(pip, tip)));
  // reach: ~0.7 folded, ~1.0 half bent, ~1.35+ straight; straight: -1 folded back .. 1 straight.
  const reachScore = clamp01((reach - 0.95) / 0.35);
  const straightScore = clamp01((straight - 0.2) / 0.7);
  return Math.min(reachScore, straightScore) * 0.5 + ((reachScore + straightScore) / 2) * 0.5;
}

/**
 * How extended the thumb is: its tip stands away from the index finger's base and the palm,
 * and its last two segments line up.
 */
function thumbExtension(lm: Landmark[], palmSize: number): number {
  const [, tmcp, tip3, tip] = FINGERS.thumb.map((i) => lm[i]);
  const away = dist(tip, lm[5]) / palmSize; // folded over the palm ~0.3-0.5, sticking out ~0.8+
  const fromPinky = dist(tip, lm[17]) / Math.max(dist(lm[5], lm[17]), 1e-6);
  const straight = dot(unit(vec(tmcp, tip3)), unit(vec(tip3, tip)));
  const awayScore = clamp01((away - 0.45) / 0.4);
  const pinkyScore = clamp01((fromPinky - 1.0) / 0.5);
  const straightScore = clamp01((straight - 0.3) / 0.6);
  return (awayScore * 2 + pinkyScore + straightScore) / 4;
}

function stateOf(extension: number): FingerState {
  if (extension >= 0.6) return 'extended';
  if (extension <= 0.35) return 'curled';
  return 'unsure';
}

/** Measures finger extension and directions from the 21 landmarks of one hand. */
export function measureHandShape(landmarks: Landmark[]): HandShape {
  const lm = landmarks;
  const palmSize = Math.max(dist(lm[WRIST], lm[9]), 1e-6);
  const extension = {
    thumb: thumbExtension(lm, palmSize),
    index: longFingerExtension(lm, FINGERS.index),
    middle: longFingerExtension(lm, FINGERS.middle),
    ring: longFingerExtension(lm, FINGERS.ring),
    pinky: longFingerExtension(lm, FINGERS.pinky),
  };
  const state = Object.fromEntries(
    Object.entries(extension).map(([f, e]) => [f, stateOf(e)]),
  ) as HandShape['state'];
  const up = unit(vec(lm[WRIST], lm[9]));
  const alignment = Object.fromEntries(
    LONG_FINGERS.map((f) => [f, dot(unit(vec(lm[FINGERS[f][0]], lm[FINGERS[f][3]])), up)]),
  ) as HandShape['alignment'];
  const indexDirection = unit(vec(lm[5], lm[8]));
  const middleDirection = unit(vec(lm[9], lm[12]));
  const spread = (Math.acos(Math.max(-1, Math.min(1, dot(indexDirection, middleDirection)))) * 180) / Math.PI;
  const tips = [4, 8, 12, 16, 20];
  const lead = (tip: number) =>
    (Math.min(...tips.filter((t) => t !== tip).map((t) => lm[t][1])) - lm[tip][1]) / palmSize;
  return {
    extension,
    state,
    alignment,
    up,
    thumbDirection: unit(vec(lm[2], lm[4])),
    indexDirection,
    palmSize,
    indexMiddleSpread: spread,
    thumbLead: lead(4),
    indexLead: lead(8),
  };
}
