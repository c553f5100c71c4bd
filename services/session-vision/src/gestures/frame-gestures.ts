import { centerOf } from '../detection/geometry';
import type { FrameAnalysis } from '../detection/vision.types';
import type { FrameGesture } from './gesture-gate';
import {
  classifyHand,
  DEFAULT_STATIC_GESTURE_OPTIONS,
  isOnAnArm,
  isRaised,
  type StaticGestureOptions,
} from './static-gesture.classifier';
import type { TrackPoint } from './swipe-detector';

/**
 * What one analysed frame says about commands: the most confident pose among the raised hands (above the
 * middle of the torso), and where the leading hand above the hips is (for swipes: a sweep is made at chest
 * height). Hands hanging at rest, or not on an arm, are ignored.
 */
export function frameGestures(
  analysis: Pick<FrameAnalysis, 'hands' | 'body' | 'width' | 'height'>,
  at: number,
  options: StaticGestureOptions = DEFAULT_STATIC_GESTURE_OPTIONS,
): { pose: FrameGesture; point: TrackPoint | null } {
  const lifted = analysis.hands.filter((h) => isRaised(h, analysis.body, 1) && isOnAnArm(h, analysis.body));
  let pose: FrameGesture = { gesture: null, confidence: 0, x: 0, y: 0 };
  let point: TrackPoint | null = null;
  let bestScore = -1;
  for (const hand of lifted) {
    const c = centerOf(hand.box);
    const x = c.x / analysis.width;
    const y = c.y / analysis.height;
    if (hand.score > bestScore) {
      bestScore = hand.score;
      point = { x, y, at };
    }
    const p = classifyHand(hand, analysis.body, options);
    if (p.gesture && p.confidence > pose.confidence)
      pose = { gesture: p.gesture, confidence: p.confidence, x, y };
  }
  return { pose, point };
}
