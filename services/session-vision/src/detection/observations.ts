import type { Result } from '@vladmandic/human';
import { intersectionOverUnion } from './geometry';
import type { BodyObservation, BodyPart, FaceObservation, HandObservation } from './vision.types';

/** Keeps one observation per physical hand: the better landmarks, and the detector's label if any. */
export function addHand(found: HandObservation[], hand: HandObservation): void {
  const same = found.findIndex((h) => intersectionOverUnion(h.box, hand.box) > 0.3);
  if (same < 0) {
    found.push(hand);
    return;
  }
  const kept = found[same];
  const better = hand.score > kept.score ? hand : kept;
  found[same] = {
    ...better,
    label: hand.label ?? kept.label,
    detectorScore: hand.detectorScore ?? kept.detectorScore,
  };
}

/** Faces as human reports them, boxes in frame pixels. */
export function toFaces(result: Result): FaceObservation[] {
  return result.face.map((f) => ({
    score: f.score,
    box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] },
  }));
}

/** The best body human found, keypoints by part; null when none. */
export function toBody(result: Result): BodyObservation | null {
  const best = result.body[0];
  if (!best) return null;
  const keypoints: BodyObservation['keypoints'] = {};
  for (const k of best.keypoints) {
    keypoints[k.part as BodyPart] = { x: k.position[0], y: k.position[1], score: k.score };
  }
  return { score: best.score, keypoints };
}
