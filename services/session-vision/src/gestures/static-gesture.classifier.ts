import type { BodyObservation, HandObservation } from '../detection/vision.types';
import { centerOf, distance } from '../detection/geometry';
import { type HandShape, measureHandShape } from './hand-shape';

/** Hand poses held still that map to mirror commands (swipes come from motion, see SwipeDetector). */
export const STATIC_GESTURES = ['thumbs_up', 'open_palm', 'victory', 'fist', 'pointing_up'] as const;
export type StaticGesture = (typeof STATIC_GESTURES)[number];

export interface HandPose {
  gesture: StaticGesture | null;
  /** 0..1; for `null`, how sure the best candidate was. */
  confidence: number;
  candidate: StaticGesture | null;
  shape: HandShape;
}

export interface StaticGestureOptions {
  /** A candidate below this confidence is not a gesture. */
  minConfidence: number;
  /**
   * With a body in view, only a raised hand commands: its centre above the point between the shoulders
   * and the hips. A person standing with hands at their sides must not trigger anything.
   */
  requireRaisedHand: boolean;
}

export const DEFAULT_STATIC_GESTURE_OPTIONS: StaticGestureOptions = {
  minConfidence: 0.5,
  requireRaisedHand: true,
};

// Soft thresholds: 0 at `from`, 1 at `to` (either direction).
const ramp = (x: number, from: number, to: number) => Math.min(1, Math.max(0, (x - from) / (to - from)));

function scores(s: HandShape): Record<StaticGesture, number> {
  const e = s.extension;
  const open = (x: number) => ramp(x, 0.35, 0.7);
  const closed = (x: number) => ramp(x, 0.55, 0.25);
  const upright = ramp(-s.up.y, 0.3, 0.7); // hand points up (wrist below knuckles)
  const thumbUp = ramp(-s.thumbDirection.y, 0.35, 0.7); // up, tilted by up to ~45°
  const thumbVertical = Math.abs(s.thumbDirection.y);
  const indexUp = ramp(-s.indexDirection.y, 0.5, 0.8);
  // Extended fingers of an open hand run along its axis; fingers bent sideways at the knuckles hold something.
  const along = (x: number) => ramp(x, 0.5, 0.8);
  const fourClosed = Math.min(closed(e.index), closed(e.middle), closed(e.ring), closed(e.pinky));
  return {
    open_palm: Math.min(
      open(e.index),
      open(e.middle),
      open(e.ring),
      open(e.pinky),
      upright,
      along(s.alignment.index),
      along(s.alignment.middle),
      along(s.alignment.ring),
      along(s.alignment.pinky),
    ),
    victory: Math.min(
      open(e.index),
      open(e.middle),
      closed(e.ring),
      closed(e.pinky),
      ramp(s.indexMiddleSpread, 8, 16),
      upright,
      along(s.alignment.index),
      along(s.alignment.middle),
    ),
    // A pointing index runs along the hand's axis, so the hand itself is upright.
    pointing_up: Math.min(
      open(e.index),
      closed(e.middle),
      closed(e.ring),
      closed(e.pinky),
      indexUp,
      ramp(-s.up.y, 0.6, 0.8),
      along(s.alignment.index),
      ramp(s.indexLead, 0.1, 0.3), // the index tip stands clear of every other tip, the thumb's included
    ),
    // In a thumbs-up the knuckles stand one above the other and the hand's axis lies sideways; fingers
    // curled that way are foreshortened and can read as an extended index, so a sideways hand or a thumb
    // tip well above every fingertip outweighs that.
    thumbs_up: Math.min(
      open(e.thumb),
      thumbUp,
      closed(e.middle),
      closed(e.ring),
      closed(e.pinky),
      Math.max(closed(e.index), ramp(s.up.y, -0.8, -0.65), ramp(s.thumbLead, 0.2, 0.5)),
      ramp(s.thumbLead, -0.3, -0.1),
    ),
    // A fist's thumb is folded: a thumb sticking up or down is thumbs up/down, sideways is not a fist either.
    // Held sideways, a fist is a thumbs-up/down whose thumb was missed, so it must stand upright.
    fist: Math.min(
      fourClosed,
      ramp(-s.up.y, 0.5, 0.75),
      1 - Math.min(open(e.thumb), ramp(thumbVertical, 0.4, 0.8)),
      closed(e.thumb) * 0.5 + 0.5,
    ),
  };
}

// The hand detector's own class, where it saw the hand: agreeing raises confidence, contradicting lowers it.
const LABEL_SUPPORT: Record<string, Partial<Record<StaticGesture, number>>> = {
  fist: { fist: 0.1, thumbs_up: 0.05, open_palm: -0.15, victory: -0.1 },
  point: { pointing_up: 0.1, victory: 0.05, open_palm: -0.1 },
  hand: { open_palm: 0.1, victory: 0.05, fist: -0.15 },
};

/**
 * True when the hand is held above the middle of the torso (`level` 0.5), or at least above the hips
 * (`level` 1); also true when there is no torso to compare with.
 */
export function isRaised(hand: HandObservation, body: BodyObservation | null, level = 0.5): boolean {
  const k = body?.keypoints;
  if (!k) return true;
  const shoulders = [k.leftShoulder, k.rightShoulder].filter((p) => p && p.score >= 0.3);
  if (shoulders.length === 0) return true;
  const shoulderY = shoulders.reduce((sum, p) => sum + p!.y, 0) / shoulders.length;
  const hips = [k.leftHip, k.rightHip].filter((p) => p && p.score >= 0.3);
  const shoulderWidth =
    k.leftShoulder && k.rightShoulder ? Math.abs(k.leftShoulder.x - k.rightShoulder.x) : hand.box.height * 2;
  const hipY = hips.length
    ? hips.reduce((sum, p) => sum + p!.y, 0) / hips.length
    : shoulderY + 1.4 * shoulderWidth;
  return centerOf(hand.box).y < shoulderY + level * (hipY - shoulderY);
}

/**
 * With arms in view, a hand must sit at the end of one: close to a wrist keypoint. The hand detector also
 * fires on faces and fists-shaped clutter; those float far from any wrist.
 */
export function isOnAnArm(hand: HandObservation, body: BodyObservation | null): boolean {
  const k = body?.keypoints;
  if (!k || !k.leftShoulder || !k.rightShoulder) return true;
  if (k.leftShoulder.score < 0.3 || k.rightShoulder.score < 0.3) return true;
  const reach = Math.max(distance(k.leftShoulder, k.rightShoulder), hand.box.width, hand.box.height);
  const center = centerOf(hand.box);
  const wrists = [k.leftWrist, k.rightWrist].filter((w) => w && w.score >= 0.1);
  if (wrists.length === 0) return true;
  return wrists.some((w) => distance(w!, center) <= reach);
}

/** Classifies one hand's pose from its 21 landmarks, the detector's label and where the body holds it. */
export function classifyHand(
  hand: HandObservation,
  body: BodyObservation | null,
  options: StaticGestureOptions = DEFAULT_STATIC_GESTURE_OPTIONS,
): HandPose {
  const shape = measureHandShape(hand.landmarks);
  const all = scores(shape);
  const support = hand.label ? (LABEL_SUPPORT[hand.label] ?? {}) : {};
  let candidate: StaticGesture | null = null;
  let confidence = 0;
  for (const g of STATIC_GESTURES) {
    const c = Math.min(1, Math.max(0, all[g] + (support[g] ?? 0)));
    if (c > confidence) {
      confidence = c;
      candidate = g;
    }
  }
  const raised = !options.requireRaisedHand || (isRaised(hand, body) && isOnAnArm(hand, body));
  const gesture = candidate && confidence >= options.minConfidence && raised ? candidate : null;
  return { gesture, confidence, candidate, shape };
}
