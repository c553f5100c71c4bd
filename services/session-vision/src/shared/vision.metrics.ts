import { Injectable } from '@nestjs/common';
import { MetricsService } from '@mirror/platform';
import type { Counter, Histogram } from 'prom-client';

export type FrameOutcome =
  'analysed' | 'duplicate' | 'dropped' | 'stale' | 'undecodable' | 'bad-headers' | 'not-owner';

/** session-vision's Prometheus metrics, shared by frames, sessions and gestures. */
@Injectable()
export class VisionMetrics {
  private readonly frames: Counter;
  private readonly inferenceSeconds: Histogram;
  private readonly latencySeconds: Histogram;
  private readonly sessions: Counter;
  private readonly gestures: Counter;

  constructor(metrics: MetricsService) {
    this.frames = metrics.counter('vision_frames_total', 'Frames received, by what became of them', [
      'outcome',
    ]);
    this.inferenceSeconds = metrics.histogram(
      'vision_inference_seconds',
      'Model time per analysed frame',
      ['mode'],
      [0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1],
    );
    this.latencySeconds = metrics.histogram(
      'vision_frame_latency_seconds',
      'Capture to handled, per frame',
      [],
      [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2],
    );
    this.sessions = metrics.counter('vision_sessions_total', 'Sessions started and ended', ['event']);
    this.gestures = metrics.counter('vision_gestures_total', 'Gestures fired', ['gesture']);
  }

  frame(outcome: FrameOutcome): void {
    this.frames.inc({ outcome });
  }
  inference(mode: string, ms: number): void {
    this.inferenceSeconds.observe({ mode }, ms / 1000);
  }
  latency(ms: number): void {
    this.latencySeconds.observe(Math.max(0, ms) / 1000);
  }
  session(event: string): void {
    this.sessions.inc({ event });
  }
  gesture(gesture: string): void {
    this.gestures.inc({ gesture });
  }
}
