import { Injectable } from '@nestjs/common';
import type { PhotoVariant } from '@mirror/contracts';
import { MetricsService } from '@mirror/platform';
import type { RejectionCode } from './photo.errors';

export type IntakeOutcome = 'stored' | 'duplicate' | 'rejected';

/** photo-store's Prometheus metrics (GET /metrics), next to the generic `nats_messages_total`. */
@Injectable()
export class PhotoMetrics {
  private readonly photos;
  private readonly rejections;
  private readonly seconds;
  private readonly lag;
  private readonly storedBytes;
  private readonly inFlight;
  private readonly urls;
  private readonly deletes;

  constructor(metrics: MetricsService) {
    this.photos = metrics.counter('photo_store_photos_total', 'Photo messages handled, by outcome', [
      'outcome',
    ]);
    this.rejections = metrics.counter('photo_store_rejections_total', 'Photos refused, by reason', [
      'reason',
    ]);
    this.seconds = metrics.histogram(
      'photo_store_photo_seconds',
      'Time to validate, render and store one photo message',
      ['outcome'],
      [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    );
    this.lag = metrics.histogram(
      'photo_store_publish_to_stored_seconds',
      'From the mirror publishing a photo to photo.stored (queueing included)',
      [],
      [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    );
    this.storedBytes = metrics.counter('photo_store_original_bytes_total', 'Bytes of originals stored');
    this.inFlight = metrics.gauge('photo_store_in_flight', 'Photos being processed now');
    this.urls = metrics.counter('photo_store_urls_total', 'Signed URLs issued, by variant', ['variant']);
    this.deletes = metrics.counter('photo_store_deletes_total', 'photo.delete requests, by result', [
      'result',
    ]);
  }

  /** Counts a photo in flight; call the result with the outcome when done (`retry`: it will be redelivered). */
  begin(): (outcome: IntakeOutcome | 'retry') => void {
    this.inFlight.inc();
    const end = this.seconds.startTimer();
    return (outcome) => {
      this.inFlight.dec();
      this.photos.inc({ outcome });
      end({ outcome });
    };
  }

  stored(bytes: number, publishedAtMs: number | undefined, nowMs: number): void {
    this.storedBytes.inc(bytes);
    if (publishedAtMs !== undefined) this.lag.observe(Math.max(0, nowMs - publishedAtMs) / 1000);
  }

  rejected(reason: RejectionCode): void {
    this.rejections.inc({ reason });
  }

  urlIssued(variant: PhotoVariant): void {
    this.urls.inc({ variant });
  }

  deleteAnswered(result: 'deleted' | 'already-deleted' | 'unknown'): void {
    this.deletes.inc({ result });
  }
}
