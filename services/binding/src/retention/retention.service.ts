import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock, LOGGER, MetricsService } from '@mirror/platform';
import { PhotoRepository } from '../photos/photo.repository';
import { PhotoStoreClient } from '../shared/photo-store.client';
import { RetentionRepository } from './retention.repository';
import { RETENTION_SETTINGS, type RetentionSettings } from './retention.settings';

export interface SweepReport {
  /** Photos newly found past retention. */
  expired: number;
  /** Photos photo-store confirmed deleted in this sweep (expired ones and unfinished customer deletions). */
  deleted: number;
  /** Deletions photo-store did not confirm; the next sweep retries them. */
  failed: number;
  sessionsPurged: number;
}

/** Photos asked for per batch. */
const SWEEP_BATCH = 200;
/** A sweep stops starting batches after this long, so one replica never holds the lock for long. */
const SWEEP_BUDGET_MS = 5 * 60_000;
/** A customer deletion younger than this may still be finishing in its request handler. */
const CUSTOMER_DELETION_GRACE_MS = 60_000;

/**
 * Retention: photos of sessions nobody confirmed are deleted PHOTO_RETENTION_UNCLAIMED_HOURS after they
 * were taken; the sessions stay for statistics. One replica sweeps at a time.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly retention: RetentionRepository,
    private readonly photos: PhotoRepository,
    private readonly photoStore: PhotoStoreClient,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(RETENTION_SETTINGS) private readonly settings: RetentionSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One sweep; null when another replica is sweeping right now. */
  async sweep(): Promise<SweepReport | null> {
    return this.retention.whileLocked(async () => {
      const now = this.clock.now();
      const expired = await this.retention.markExpired(
        new Date(now - this.settings.unclaimedMs),
        new Date(now),
      );
      let deleted = 0;
      let failed = 0;
      const deadline = now + SWEEP_BUDGET_MS;
      // batches until nothing is left, photo-store stops confirming, or the sweep has run long enough
      while (this.clock.now() < deadline) {
        const due = await this.retention.pendingDeletions(
          new Date(now - CUSTOMER_DELETION_GRACE_MS),
          SWEEP_BATCH,
          failed,
        );
        if (due.length === 0) break;
        const before = deleted;
        for (const photoId of due) {
          try {
            await this.photoStore.delete(photoId);
            await this.photos.markDeleted(photoId, 'retention', this.clock.date());
            deleted++;
          } catch (e) {
            failed++;
            this.logger.warn({ err: e, photoId }, 'photo deletion not confirmed; next sweep retries');
          }
        }
        if (deleted === before) break;
      }
      const sessionsPurged = await this.retention.markSessionsPurged(this.clock.date());
      this.metrics
        .counter('binding_retention_photos_deleted_total', 'Photos deleted by the sweep')
        .inc(deleted);
      const report = { expired: expired.length, deleted, failed, sessionsPurged };
      if (expired.length || deleted || failed) this.logger.info(report, 'retention sweep done');
      return report;
    });
  }
}
