import { Inject, Injectable } from '@nestjs/common';
import { settleWithin } from '@mirror/async';
import { LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { DetectionPool } from '../detection/detection-pool';
import { LeaseLostError } from '../sessions/mirror-state.repository';
import { SessionService } from '../sessions/session.service';
import { VisionMetrics } from '../shared/vision.metrics';
import { FRAMES_SETTINGS, type FramesSettings } from './frames.settings';
import type { IncomingFrame } from './incoming-frame';
import { MirrorPipeline } from './mirror.pipeline';
import { WorkerSlots } from './worker-slots';

/** One mirror's queue: at most one frame waiting, and whether a timeout check is due. */
interface Lane {
  busy: boolean;
  /** The pump running now, if busy. */
  work: Promise<void> | null;
  pending: IncomingFrame | null;
  sweepRequested: boolean;
}

/**
 * Latest frame wins: per mirror at most one frame waits, and it is taken only once a detection worker is
 * free, so a worker always gets the newest frame. A mirror's frames and timeout checks run one at a time.
 */
@Injectable()
export class FrameScheduler {
  private readonly lanes = new Map<string, Lane>();
  private readonly slots: WorkerSlots;
  private readonly running = new Set<Promise<void>>();
  private readonly logger: Logger;

  constructor(
    pool: DetectionPool,
    private readonly pipeline: MirrorPipeline,
    private readonly sessions: SessionService,
    private readonly metrics: VisionMetrics,
    @Inject(FRAMES_SETTINGS) settings: FramesSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.slots = new WorkerSlots(pool.threads);
    this.logger = logger.child({ replica: settings.replicaId });
  }

  /** Takes a frame; an older frame still waiting for this mirror is dropped (latest wins). */
  acceptFrame(mirrorId: string, frame: IncomingFrame): void {
    const lane = this.lane(mirrorId);
    if (lane.pending) this.metrics.frame('dropped');
    lane.pending = frame;
    if (!lane.busy) this.track(this.pump(mirrorId, lane));
  }

  /**
   * Checks every mirror with an open session that `mine` accepts (those of this replica's partitions) for
   * timeouts (frames stopped, absence).
   */
  async sweep(mine: (mirrorId: string) => boolean): Promise<void> {
    let mirrorIds: string[];
    try {
      mirrorIds = (await this.sessions.mirrorsToSweep()).filter(mine);
    } catch (err) {
      this.logger.warn({ err }, 'cannot list open sessions in Redis; will retry');
      return;
    }
    for (const mirrorId of mirrorIds) {
      const lane = this.lane(mirrorId);
      lane.sweepRequested = true;
      if (!lane.busy) await this.track(this.pump(mirrorId, lane));
    }
  }

  /**
   * Stops handling the mirrors `leaving` accepts (a partition that moves to another replica): drops their
   * waiting frames, lets the frame in hand finish, then lets them go (`letGo`: the lease is released so the
   * next replica takes over at once) or only forgets them (their lease may be another replica's already).
   */
  async handOver(leaving: (mirrorId: string) => boolean, letGo: boolean): Promise<void> {
    const mirrorIds = [...this.lanes.keys()].filter(leaving);
    for (const mirrorId of mirrorIds) {
      const lane = this.lanes.get(mirrorId)!;
      if (lane.pending) this.metrics.frame('not-mine');
      lane.pending = null;
      lane.sweepRequested = false;
    }
    await Promise.allSettled(mirrorIds.map((mirrorId) => this.lanes.get(mirrorId)?.work));
    for (const mirrorId of mirrorIds) {
      this.lanes.delete(mirrorId);
      if (!letGo) {
        this.pipeline.forget(mirrorId);
        continue;
      }
      await this.pipeline.letGo(mirrorId).catch((err: unknown) => {
        this.logger.warn({ err, mirrorId }, 'cannot release the mirror; its lease lapses');
        this.pipeline.forget(mirrorId);
      });
    }
  }

  /** Resolves once the frames in hand are handled (shutdown: no new frames come in by then). */
  async settle(timeoutMs: number): Promise<void> {
    await settleWithin(Promise.allSettled([...this.running]), timeoutMs);
  }

  private lane(mirrorId: string): Lane {
    let lane = this.lanes.get(mirrorId);
    if (!lane) {
      lane = { busy: false, work: null, pending: null, sweepRequested: false };
      this.lanes.set(mirrorId, lane);
    }
    return lane;
  }

  private pump(mirrorId: string, lane: Lane): Promise<void> {
    lane.busy = true;
    const work = this.drain(mirrorId, lane);
    if (lane.busy) lane.work = work;
    return work;
  }

  private async drain(mirrorId: string, lane: Lane): Promise<void> {
    try {
      while (lane.pending || lane.sweepRequested) {
        // Wait for a worker before taking the frame: whatever arrives meanwhile replaces it.
        const release = lane.pending ? await this.slots.acquire() : () => undefined;
        const frame = lane.pending;
        lane.pending = null;
        lane.sweepRequested = false;
        try {
          await this.step(mirrorId, frame);
        } catch (err) {
          if (err instanceof LeaseLostError) {
            this.logger.warn({ mirrorId }, err.message);
            this.pipeline.forget(mirrorId);
          } else {
            this.logger.error({ err, mirrorId }, 'frame handling failed; the next frame retries');
          }
        } finally {
          release();
        }
      }
    } finally {
      lane.busy = false;
      lane.work = null;
    }
  }

  /** A frame, or (none waiting) a timeout check; a mirror another replica owns is left alone. */
  private async step(mirrorId: string, frame: IncomingFrame | null): Promise<void> {
    if (!(await this.pipeline.ensureOwner(mirrorId))) {
      if (frame) this.metrics.frame('not-owner');
      return;
    }
    if (frame) await this.pipeline.process(mirrorId, frame);
    else if (await this.pipeline.expireIfDue(mirrorId)) this.lanes.delete(mirrorId);
  }

  private track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }
}
