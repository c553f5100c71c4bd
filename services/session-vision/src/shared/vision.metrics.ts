import { Injectable } from '@nestjs/common';
import { MetricsService } from '@mirror/platform';
import type { Counter, Gauge, Histogram } from 'prom-client';

/**
 * What became of a frame received. Overloaded: `dropped` (a newer frame of the mirror replaced it while
 * it waited for a worker), `stale` (too old by the time a worker was free). Not this replica's: `not-mine`
 * (its partition moved to another replica just then), `not-owner` (the mirror's lease is still another
 * replica's: a hand-over in progress). Bad input: `bad-headers`, `wrong-partition`, `undecodable`.
 */
export type FrameOutcome =
  | 'analysed'
  | 'duplicate'
  | 'dropped'
  | 'stale'
  | 'undecodable'
  | 'bad-headers'
  | 'wrong-partition'
  | 'not-owner'
  | 'not-mine';

/** session-vision's Prometheus metrics, shared by frames, sessions and gestures. */
@Injectable()
export class VisionMetrics {
  private readonly frames: Counter;
  private readonly inferenceSeconds: Histogram;
  private readonly latencySeconds: Histogram;
  private readonly sessions: Counter;
  private readonly gestures: Counter;
  private readonly receivedFrames: Counter;
  private readonly partitionsOwned: Gauge;
  private readonly replicasSeen: Gauge;
  private readonly mirrorsSeenGauge: Gauge;
  private readonly partitionMoves: Counter;
  private readonly mirrorLastFrame: Gauge;

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
    this.receivedFrames = metrics.counter(
      'vision_frames_received_total',
      'Frames delivered to this replica (its partitions only)',
    );
    this.partitionsOwned = metrics.gauge('vision_partitions_owned', 'Frame partitions this replica serves');
    this.replicasSeen = metrics.gauge('vision_replicas', 'Live session-vision replicas this replica sees');
    this.mirrorsSeenGauge = metrics.gauge(
      'vision_mirrors_seen',
      'Mirrors whose frames this replica received in the last minute',
    );
    this.partitionMoves = metrics.counter(
      'vision_partition_moves_total',
      'Partitions taken, released (handed over) and lost (lease ran out) by this replica',
      ['move'],
    );
    this.mirrorLastFrame = metrics.gauge(
      'vision_mirror_last_frame_timestamp_seconds',
      'When the last frame of each mirror served by this replica arrived (epoch seconds)',
      ['mirror'],
    );
  }

  /** The last frame of a mirror served here: `time() - max by (mirror) (…)` tells a mirror gone quiet. */
  mirrorFrame(mirrorId: string, at: number): void {
    this.mirrorLastFrame.set({ mirror: mirrorId }, Math.floor(at / 1000));
  }
  /** A mirror no longer served here (its partition moved): its series goes with it. */
  mirrorGone(mirrorId: string): void {
    this.mirrorLastFrame.remove({ mirror: mirrorId });
  }
  received(): void {
    this.receivedFrames.inc();
  }
  partitions(owned: number, replicas: number): void {
    this.partitionsOwned.set(owned);
    this.replicasSeen.set(replicas);
  }
  mirrorsSeen(count: number): void {
    this.mirrorsSeenGauge.set(count);
  }
  partitionMove(move: 'taken' | 'released' | 'lost'): void {
    this.partitionMoves.inc({ move });
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
