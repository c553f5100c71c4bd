import type * as tfc from '@tensorflow/tfjs-core';
import type { Human } from '@vladmandic/human';
import {
  angleFor,
  boxOfLandmarks,
  boxOfRegion,
  distance,
  type HandRegion,
  intersectionOverUnion,
  regionAroundBox,
  regionAroundLandmarks,
} from './geometry';
import { HandModels } from './hand-models';
import { loadHuman, stageConfig } from './human-loader';
import { addHand, toBody, toFaces } from './observations';
import {
  confidentUpperBodyKeypoints,
  type AnalysisMode,
  type BodyObservation,
  type BodyPart,
  type FrameAnalysis,
  type HandObservation,
} from './vision.types';

type Tf = typeof tfc;

export interface AnalyzeRequest {
  rgb: Uint8Array;
  width: number;
  height: number;
  mode: AnalysisMode;
  /** Regions where hands were last seen on this mirror (tracking). */
  handHints: HandRegion[];
  /**
   * The whole-frame hand detector costs ~80 ms whatever the frame size: `always` (stills), `if-none-found`
   * (when tracking and wrist regions found no hand) or `never` (the caller rations it).
   */
  handDetector: 'always' | 'if-none-found' | 'never';
  /**
   * A body seen moments ago, to use instead of running the pose model (a session frame whose hands are
   * tracked: the body only gates gestures and barely moves between two frames).
   */
  reuseBody?: BodyObservation | null;
  /** Look for hands around the wrists too (not only where hands were last seen). Default true. */
  searchWrists?: boolean;
  /** Landmark passes per region: each pass re-centres the region on the hand found by the previous one. */
  landmarkPasses: number;
}

export interface VisionEngineOptions {
  /** The face model is skipped when the body scores this much, or shows this many upper-body keypoints at 0.5. */
  bodySettlesAt: { score: number; upperBodyKeypoints: number };
  /** Wrist keypoints below this score do not propose a hand region. */
  minWristScore: number;
  /** Landmark score from which a region counts as holding a hand. */
  minHandScore: number;
  /** Skip hands hanging down (wrist well below elbow): commands are given with a raised hand. */
  raisedHandsOnly: boolean;
  /** Hand detector score from which a box is looked at. */
  minDetectorScore: number;
}

export const DEFAULT_ENGINE_OPTIONS: VisionEngineOptions = {
  bodySettlesAt: { score: 0.6, upperBodyKeypoints: 4 },
  minWristScore: 0.2,
  minHandScore: 0.6,
  raisedHandsOnly: true,
  minDetectorScore: 0.15,
};

// Region side relative to the forearm, and how far past the wrist the hand's centre sits.
const WRIST_REGION_SCALE = 1.6;
const WRIST_REGION_OFFSET = 0.4;
// Region side relative to a found hand's landmark extent (tracking and refinement).
const TRACK_REGION_SCALE = 1.8;
const MIN_REGION_PX = 24;
const DETECTOR_REGION_SCALE = 1.5;

/** Runs human's shipped models over decoded frames. One instance per worker thread. */
export class VisionEngine {
  private readonly hands: HandModels;

  private constructor(
    private readonly human: Human,
    private readonly tf: Tf,
    private readonly options: VisionEngineOptions,
  ) {
    this.hands = new HandModels(human, tf);
  }

  static async create(options: Partial<VisionEngineOptions> = {}): Promise<VisionEngine> {
    const { human, tf } = await loadHuman();
    return new VisionEngine(human, tf, { ...DEFAULT_ENGINE_OPTIONS, ...options });
  }

  async analyze(request: AnalyzeRequest): Promise<Omit<FrameAnalysis, 'timings'> & { inferenceMs: number }> {
    const started = performance.now();
    const { tf } = this;
    const { width, height, mode } = request;
    const pixels = tf.tensor4d(Int32Array.from(request.rgb), [1, height, width, 3], 'int32');
    try {
      // The body model alone usually settles presence; the face model only runs when it does not.
      const reused = mode === 'session' ? (request.reuseBody ?? null) : null;
      const body = reused ?? toBody(await this.human.detect(pixels as never, stageConfig(false, true)));
      const faces =
        reused || this.bodySettlesPresence(body)
          ? []
          : toFaces(await this.human.detect(pixels as never, stageConfig(true, false)));
      const hands = mode === 'session' ? await this.findHands(pixels, request, body) : [];
      return { width, height, mode, faces, body, hands, inferenceMs: performance.now() - started };
    } finally {
      tf.dispose(pixels);
    }
  }

  /** True when the body model alone says someone is there (the face model is then not needed). */
  bodySettlesPresence(body: BodyObservation | null): boolean {
    if (!body) return false;
    const { score, upperBodyKeypoints } = this.options.bodySettlesAt;
    const upper = confidentUpperBodyKeypoints(body);
    return body.score >= score || upper >= upperBodyKeypoints;
  }

  private async findHands(
    pixels: tfc.Tensor4D,
    request: AnalyzeRequest,
    body: BodyObservation | null,
  ): Promise<HandObservation[]> {
    const found: HandObservation[] = [];
    const image = this.tf.cast(pixels, 'float32') as tfc.Tensor4D;
    try {
      for (const { region, source } of this.regionsToSearch(request, body)) {
        const hand = await this.handInRegion(image, region, request.landmarkPasses);
        if (hand) addHand(found, { ...hand, source });
      }
      const detect =
        request.handDetector === 'always' || (request.handDetector === 'if-none-found' && found.length === 0);
      if (detect) await this.addDetectedHands(image, request.landmarkPasses, found);
    } finally {
      this.tf.dispose(image);
    }
    return found;
  }

  /** Where hands were last seen (tracking), then past each wrist where no tracked region already looks. */
  private regionsToSearch(
    request: AnalyzeRequest,
    body: BodyObservation | null,
  ): { region: HandRegion; source: 'track' | 'pose' }[] {
    const regions: { region: HandRegion; source: 'track' | 'pose' }[] = request.handHints.map((region) => ({
      region,
      source: 'track',
    }));
    const wrists = body && request.searchWrists !== false ? this.wristRegions(body, request.width) : [];
    for (const region of wrists) {
      const box = boxOfRegion(region);
      if (regions.every((r) => intersectionOverUnion(boxOfRegion(r.region), box) < 0.3)) {
        regions.push({ region, source: 'pose' });
      }
    }
    return regions;
  }

  /** Runs the whole-frame hand detector and looks for landmarks in the boxes no found hand covers yet. */
  private async addDetectedHands(
    image: tfc.Tensor4D,
    landmarkPasses: number,
    found: HandObservation[],
  ): Promise<void> {
    const detections = await this.hands.detect(image, this.options.minDetectorScore);
    // Stills (several passes) look at every box; a live frame at the two best, to bound its latency.
    for (const [rank, detection] of detections.slice(0, landmarkPasses > 1 ? 3 : 2).entries()) {
      const same = found.findIndex((h) => intersectionOverUnion(h.box, detection.box) > 0.3);
      if (same >= 0) {
        found[same] = { ...found[same], ...detection.labelOnly };
        continue;
      }
      // The detector says nothing about rotation: try upright, then, for a confident box, lying on either
      // side (a thumbs-up is usually held with the fingers sideways).
      const turn = (detection.labelOnly.detectorScore ?? 0) >= 0.5 && (rank === 0 || landmarkPasses > 1);
      const angles = turn ? [0, Math.PI / 2, -Math.PI / 2] : [0];
      for (const angle of angles) {
        const region = { ...regionAroundBox(detection.box, DETECTOR_REGION_SCALE), angle };
        const hand = await this.handInRegion(image, region, landmarkPasses);
        if (hand) {
          addHand(found, { ...hand, ...detection.labelOnly, source: 'detector' });
          break;
        }
      }
    }
  }

  /** Regions where a hand should be: past each wrist along its forearm, turned the way the forearm points. */
  private wristRegions(body: BodyObservation, frameWidth: number): HandRegion[] {
    const k = body.keypoints;
    const shoulders =
      k.leftShoulder && k.rightShoulder && k.leftShoulder.score > 0.2 && k.rightShoulder.score > 0.2
        ? distance(k.leftShoulder, k.rightShoulder)
        : 0;
    const regions: HandRegion[] = [];
    for (const side of ['left', 'right'] as const) {
      const wrist = k[`${side}Wrist` as BodyPart];
      const elbow = k[`${side}Elbow` as BodyPart];
      if (!wrist || wrist.score < this.options.minWristScore) continue;
      const forearm = elbow && elbow.score >= 0.2 ? distance(wrist, elbow) : 0;
      if (this.options.raisedHandsOnly && elbow && forearm > 0 && wrist.y - elbow.y > 0.6 * forearm) continue;
      const length = Math.max(forearm, 0.5 * shoulders, MIN_REGION_PX, frameWidth * 0.03);
      const dx = forearm ? (wrist.x - elbow!.x) / forearm : 0;
      const dy = forearm ? (wrist.y - elbow!.y) / forearm : -1;
      regions.push({
        cx: wrist.x + WRIST_REGION_OFFSET * length * dx,
        cy: wrist.y + WRIST_REGION_OFFSET * length * dy,
        size: WRIST_REGION_SCALE * length,
        angle: angleFor(dx, dy),
      });
    }
    return regions;
  }

  /** Runs the hand landmark model on a region, re-centring and re-turning it on the hand for each extra pass. */
  private async handInRegion(
    image: tfc.Tensor4D,
    start: HandRegion,
    passes: number,
  ): Promise<Omit<HandObservation, 'source'> | null> {
    let region = start;
    let best: Omit<HandObservation, 'source'> | null = null;
    for (let pass = 0; pass < Math.max(1, passes); pass++) {
      if (region.size < MIN_REGION_PX) break;
      const { score, landmarks } = await this.hands.landmarks(image, region);
      if (score < this.options.minHandScore) break;
      if (!best || score >= best.score) {
        best = { score, detectorScore: null, label: null, landmarks, box: boxOfLandmarks(landmarks) };
      }
      region = regionAroundLandmarks(landmarks, TRACK_REGION_SCALE);
    }
    return best;
  }
}
