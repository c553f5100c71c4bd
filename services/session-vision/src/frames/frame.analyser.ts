import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { DetectionPool } from '../detection/detection-pool';
import type { DetectionResult, DetectionTask } from '../detection/detection.worker';
import type { HandRegion } from '../detection/geometry';
import type { FrameAnalysis } from '../detection/vision.types';
import { classifyPresence } from '../presence/presence.classifier';
import { VisionMetrics } from '../shared/vision.metrics';
import { FRAMES_SETTINGS, type FramesSettings } from './frames.settings';
import type { IncomingFrame } from './incoming-frame';

/** What is kept of one mirror's last analysed frame, to skip or lighten the work on the next ones. */
interface SceneMemory {
  last: FrameAnalysis | null;
  /** Grey thumbnail of the last analysed frame (frame-difference skip). */
  thumb: Uint8Array | null;
  thumbAt: number;
  framesSinceDetector: number;
  framesSinceWristSearch: number;
  bodyReused: boolean;
}

/** A frame's analysis: freshly made, or the last one reused because the scene had not changed. */
export interface FrameResult {
  kind: 'analysed' | 'duplicate';
  analysis: FrameAnalysis;
}

/** While hands are tracked, the last body is reused only this soon after it was seen. */
const BODY_REUSE_MS = 300;

/**
 * Runs detection on a mirror's frames in the worker pool, doing as little as the scene allows: an unchanged
 * scene reuses the last analysis (frame-difference skip), and while hands are tracked the body and the
 * wrist search run only on some frames.
 */
@Injectable()
export class FrameAnalyser {
  private readonly mirrors = new Map<string, SceneMemory>();
  private readonly logger: Logger;

  constructor(
    private readonly pool: DetectionPool,
    private readonly metrics: VisionMetrics,
    @Inject(FRAMES_SETTINGS) private readonly settings: FramesSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ replica: settings.replicaId });
  }

  /**
   * Analyses one frame in the mode the mirror is in (`session`: hands too), looking for hands around
   * `hints` first. Null when the frame is not an image (counted and skipped).
   */
  async analyse(
    mirrorId: string,
    frame: IncomingFrame,
    inSession: boolean,
    hints: HandRegion[],
    now: number,
  ): Promise<FrameResult | null> {
    const memory = this.memory(mirrorId);
    const task = this.plan(memory, inSession, hints, now);
    const result = await this.pool.run({ ...task, jpeg: frame.data });
    if (result.kind === 'undecodable') {
      this.metrics.frame('undecodable');
      this.logger.debug({ mirrorId, seq: frame.seq, reason: result.reason }, 'frame skipped');
      return null;
    }
    return this.remember(memory, task, result, now);
  }

  /** Forgets the last analysis (the mirror left this replica): the next frame is analysed in full. */
  forget(mirrorId: string): void {
    const memory = this.mirrors.get(mirrorId);
    if (memory) Object.assign(memory, { last: null, thumb: null });
  }

  /** Drops everything kept about the mirror (it was let go). */
  drop(mirrorId: string): void {
    this.mirrors.delete(mirrorId);
  }

  /** Decides what the worker does with the next frame. */
  private plan(
    memory: SceneMemory,
    inSession: boolean,
    hints: HandRegion[],
    now: number,
  ): Omit<DetectionTask, 'jpeg'> {
    const s = this.settings;
    const mode = inSession ? 'session' : 'presence';
    const tracked = hints.length > 0;
    const detect = inSession && !tracked && memory.framesSinceDetector >= s.handDetectorIntervalFrames;
    // While hands are tracked, every other frame reuses the last body (it only gates gestures and cannot
    // have moved far in 100 ms), and wrists are searched for a second hand every third frame.
    const lastBody = memory.last?.mode === 'session' ? memory.last.body : null;
    const reuseBody =
      inSession &&
      tracked &&
      !memory.bodyReused &&
      now - memory.thumbAt < BODY_REUSE_MS &&
      classifyPresence({ faces: [], hands: [], body: lastBody }).present
        ? lastBody
        : null;
    // An unchanged scene reuses the last analysis, unless it is too old or was made for the other mode.
    // Nobody in a session: a person stepping in changes the scene, so the unchanged room is looked at
    // again less often (most of an idle mirror's cost).
    const maxAge = inSession ? s.reanalyseMs : s.reanalyseIdleMs;
    const reusable = memory.thumb && now - memory.thumbAt < maxAge && memory.last?.mode === mode;
    return {
      mode,
      handHints: hints,
      handDetector: detect ? 'if-none-found' : 'never',
      landmarkPasses: 1,
      reuseBody,
      searchWrists: !tracked || memory.framesSinceWristSearch >= 2,
      previousThumb: reusable ? memory.thumb : null,
      difference: s.difference,
      maxWidth: s.maxWidth,
      maxHeight: s.maxHeight,
    };
  }

  /** Counts the outcome and keeps what the next frame's plan needs. */
  private remember(
    memory: SceneMemory,
    task: Omit<DetectionTask, 'jpeg'>,
    result: Exclude<DetectionResult, { kind: 'undecodable' }>,
    now: number,
  ): FrameResult {
    if (result.kind === 'duplicate') {
      this.metrics.frame('duplicate');
      memory.framesSinceDetector++;
      // a duplicate needs the last thumbnail, which is kept together with its analysis
      return { kind: 'duplicate', analysis: memory.last! };
    }
    this.metrics.frame('analysed');
    this.metrics.inference(task.mode, result.analysis.timings.inferenceMs);
    Object.assign(memory, {
      last: result.analysis,
      thumb: result.thumb,
      thumbAt: now,
      framesSinceDetector: task.handDetector === 'never' ? memory.framesSinceDetector + 1 : 0,
      framesSinceWristSearch: task.searchWrists ? 0 : memory.framesSinceWristSearch + 1,
      bodyReused: !!task.reuseBody,
    });
    return { kind: 'analysed', analysis: result.analysis };
  }

  private memory(mirrorId: string): SceneMemory {
    let memory = this.mirrors.get(mirrorId);
    if (!memory) {
      memory = {
        last: null,
        thumb: null,
        thumbAt: 0,
        framesSinceDetector: Infinity,
        framesSinceWristSearch: Infinity,
        bodyReused: false,
      };
      this.mirrors.set(mirrorId, memory);
    }
    return memory;
  }
}
