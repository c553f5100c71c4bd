import { confidentUpperBodyKeypoints, type FrameAnalysis } from '../detection/vision.types';
import { isOnAnArm } from '../gestures/static-gesture.classifier';

export interface PresenceThresholds {
  /** Face detector score from which a face counts (its default 0.2 sees faces in most empty scenes). */
  face: number;
  /** Mean body keypoint score from which a body counts. */
  body: number;
  /** Upper-body keypoints (nose, eyes, ears, shoulders) at ≥ 0.5 that count as a person close to the mirror. */
  upperBodyKeypoints: number;
  /** Hand landmark score from which a hand counts (session frames only: hands are not looked for while idle). */
  hand: number;
}

export const DEFAULT_PRESENCE_THRESHOLDS: PresenceThresholds = {
  face: 0.75,
  body: 0.6,
  upperBodyKeypoints: 4,
  hand: 0.65,
};

export interface PresenceVerdict {
  present: boolean;
  /** Which cue decided it, for logs and the accuracy bench. */
  reason: 'face' | 'body' | 'upper-body' | 'hand' | 'none';
}

/** Decides whether someone is in front of the mirror in one analysed frame. */
export function classifyPresence(
  analysis: Pick<FrameAnalysis, 'faces' | 'body' | 'hands'>,
  thresholds: PresenceThresholds = DEFAULT_PRESENCE_THRESHOLDS,
): PresenceVerdict {
  if (analysis.faces.some((f) => f.score >= thresholds.face)) return { present: true, reason: 'face' };
  const body = analysis.body;
  if (body && body.score >= thresholds.body) return { present: true, reason: 'body' };
  // Someone close to the mirror shows head and shoulders only: the mean over 17 keypoints stays low.
  const upper = body ? confidentUpperBodyKeypoints(body) : 0;
  if (upper >= thresholds.upperBodyKeypoints) return { present: true, reason: 'upper-body' };
  if (analysis.hands.some((h) => h.score >= thresholds.hand && isOnAnArm(h, body))) {
    return { present: true, reason: 'hand' };
  }
  return { present: false, reason: 'none' };
}
