/** A rectangle in frame pixels (top-left origin). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** x, y in frame pixels; z is the landmark model's relative depth. */
export type Landmark = [number, number, number];

export const BODY_PARTS = [
  'nose',
  'leftEye',
  'rightEye',
  'leftEar',
  'rightEar',
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
] as const;
export type BodyPart = (typeof BODY_PARTS)[number];

export interface BodyKeypoint {
  x: number;
  y: number;
  score: number;
}

export interface FaceObservation {
  score: number;
  box: Box;
}

export interface BodyObservation {
  /** Mean keypoint score, as the pose model reports it. */
  score: number;
  keypoints: Partial<Record<BodyPart, BodyKeypoint>>;
}

/** Head and shoulders: what the camera sees of someone standing close to the mirror. */
const UPPER_BODY: readonly BodyPart[] = [
  'nose',
  'leftEye',
  'rightEye',
  'leftEar',
  'rightEar',
  'leftShoulder',
  'rightShoulder',
];

/** How many head-and-shoulder keypoints the body model is confident about (score >= 0.5). */
export function confidentUpperBodyKeypoints(body: BodyObservation): number {
  return UPPER_BODY.filter((p) => (body.keypoints[p]?.score ?? 0) >= 0.5).length;
}

/** Where a hand's landmarks were looked for: the hand detector, a region around a wrist, or last frame's hand. */
export type HandSource = 'detector' | 'pose' | 'track';

/** Hand detector classes (handtrack); `face` is dropped by the detector itself. */
export type HandDetectorLabel = 'hand' | 'fist' | 'pinch' | 'point' | 'tip' | 'pinchtip';

export interface HandObservation {
  /** Landmark model's confidence that the region holds a hand (0..1). */
  score: number;
  /** The hand detector's score and class, when the detector found this hand. */
  detectorScore: number | null;
  label: HandDetectorLabel | null;
  /** The 21 MediaPipe hand landmarks: wrist, then thumb, index, middle, ring, pinky (4 each, base to tip). */
  landmarks: Landmark[];
  /** Bounding box of the landmarks. */
  box: Box;
  source: HandSource;
}

/**
 * `presence`: face and body only (cheap, while nobody is in session).
 * `session`: body (face when the body is unsure) and hands.
 */
export type AnalysisMode = 'presence' | 'session';

/** What the models saw in one frame; classification happens outside the worker, over this. */
export interface FrameAnalysis {
  width: number;
  height: number;
  mode: AnalysisMode;
  faces: FaceObservation[];
  body: BodyObservation | null;
  hands: HandObservation[];
  timings: { decodeMs: number; inferenceMs: number };
}
