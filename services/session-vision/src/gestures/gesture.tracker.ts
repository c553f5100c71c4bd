import { Inject, Injectable } from '@nestjs/common';
import { centerOf, type HandRegion, regionAroundLandmarks } from '../detection/geometry';
import type { FrameAnalysis } from '../detection/vision.types';
import { VisionMetrics } from '../shared/vision.metrics';
import { frameGestures } from './frame-gestures';
import { type Command, type GateState, gate, initialGate } from './gesture-gate';
import { GesturePublisher } from './gesture.publisher';
import { GESTURES_SETTINGS, type GesturesSettings } from './gestures.settings';
import { type Track, trackSwipe } from './swipe-detector';

/** What is followed of one mirror's hands from frame to frame. */
interface HandTracking {
  /** Where to look for each hand in the next frame. */
  hints: HandRegion[];
  /** Where each hand was in the last frame (pixels). */
  centers: { x: number; y: number }[];
  gate: GateState;
  track: Track;
}

/** A hand's region is its landmarks' extent times this: room for it to move until the next frame. */
const TRACK_REGION_SCALE = 1.8;

/**
 * The hands of each mirror in session: where to look for them next (tracking), and the commands they give
 * (poses through the gesture gate, sweeps through the swipe detector).
 */
@Injectable()
export class GestureTracker {
  private readonly mirrors = new Map<string, HandTracking>();

  constructor(
    private readonly publisher: GesturePublisher,
    private readonly metrics: VisionMetrics,
    @Inject(GESTURES_SETTINGS) private readonly settings: GesturesSettings,
  ) {}

  /** Where to look for hands in the mirror's next frame; empty when none is tracked. */
  hints(mirrorId: string): HandRegion[] {
    return this.mirrors.get(mirrorId)?.hints ?? [];
  }

  /** Starts over: a session started or ended, or the mirror left this replica. */
  reset(mirrorId: string): void {
    this.mirrors.delete(mirrorId);
  }

  /** Runs one session frame through the swipe detector and the gate; a command that fires goes to the mirror. */
  recognise(mirrorId: string, analysis: FrameAnalysis, sessionId: string, at: number): Command | null {
    const hands = this.tracking(mirrorId);
    const { pose, point } = frameGestures(analysis, at, {
      minConfidence: this.settings.minConfidence,
      requireRaisedHand: true,
    });
    const swipe = trackSwipe(hands.track, point, at, this.settings.swipe);
    hands.track = swipe.track;
    const g = gate(hands.gate, pose, swipe.swipe, at, this.settings.gate);
    hands.gate = g.state;
    if (!g.fired) return null;
    this.publisher.publish(mirrorId, sessionId, g.fired.gesture, g.fired.confidence, at);
    this.metrics.gesture(g.fired.gesture);
    return g.fired.gesture;
  }

  /** Follows the frame's hands into the next frame; without an open session nothing is tracked. */
  follow(mirrorId: string, analysis: FrameAnalysis | null): void {
    const hands = this.tracking(mirrorId);
    hands.hints = analysis ? this.nextHints(hands, analysis) : [];
  }

  /**
   * Where to look for each hand in the next frame: around it, moved on by how far it moved since the last
   * frame (a sweeping hand would otherwise leave its region before the next look).
   */
  private nextHints(hands: HandTracking, analysis: FrameAnalysis): HandRegion[] {
    const centers = analysis.hands.map((h) => centerOf(h.box));
    const hints = analysis.hands.map((h, i) => {
      const region = regionAroundLandmarks(h.landmarks, TRACK_REGION_SCALE);
      const previous = hands.centers
        .map((p) => ({ p, d: Math.hypot(p.x - centers[i].x, p.y - centers[i].y) }))
        .filter(({ d }) => d < region.size / 2)
        .sort((a, b) => a.d - b.d)[0]?.p;
      return previous
        ? { ...region, cx: region.cx + centers[i].x - previous.x, cy: region.cy + centers[i].y - previous.y }
        : region;
    });
    hands.centers = centers;
    return hints;
  }

  private tracking(mirrorId: string): HandTracking {
    let hands = this.mirrors.get(mirrorId);
    if (!hands) {
      hands = { hints: [], centers: [], gate: initialGate(), track: [] };
      this.mirrors.set(mirrorId, hands);
    }
    return hands;
  }
}
