import { Inject, Injectable } from '@nestjs/common';
import {
  PHOTO_URL_MAX_TTL_SECONDS,
  PHOTO_VARIANTS,
  type PhotoUrlRequest,
  type PhotoUrlResponse,
} from '@mirror/contracts';
import { Clock, LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { PhotoBucketRepository } from './photo-bucket.repository';
import { PhotoEventsPublisher } from './photo-events.publisher';
import { PhotoIndexRepository } from './photo-index.repository';

/** No stored photo has this id (never stored, rejected, or deleted). */
export class PhotoNotFoundError extends Error {
  constructor(readonly photoId: string) {
    super(`no stored photo has id ${photoId}`);
    this.name = 'PhotoNotFoundError';
  }
}

export type DeleteResult = 'deleted' | 'already-deleted' | 'unknown';

/** Reading photos back (short-lived signed URLs) and deleting them, by photo id alone. */
@Injectable()
export class PhotoAccessService {
  constructor(
    private readonly index: PhotoIndexRepository,
    private readonly bucket: PhotoBucketRepository,
    private readonly events: PhotoEventsPublisher,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A presigned GET for the public endpoint; the lifetime is capped at PHOTO_URL_MAX_TTL_SECONDS. */
  async url(request: PhotoUrlRequest): Promise<PhotoUrlResponse> {
    const record = await this.index.get(request.photoId);
    if (!record || record.deletedAt) throw new PhotoNotFoundError(request.photoId);
    const ttlSeconds = Math.min(request.ttlSeconds, PHOTO_URL_MAX_TTL_SECONDS);
    const now = this.clock.date();
    const url = await this.bucket.presignGet(record.stored.keys[request.variant], ttlSeconds, now);
    return { url, expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() };
  }

  /**
   * Removes every variant and announces `photo.deleted` once. The index entry becomes a tombstone first, so
   * a crash half-way is finished by the next call, and a second call changes nothing.
   */
  async delete(photoId: string): Promise<DeleteResult> {
    const record = await this.index.get(photoId);
    if (!record) return 'unknown';
    const first = !record.deletedAt;
    const tombstone = { ...record, deletedAt: record.deletedAt ?? this.clock.date().toISOString() };
    if (first) await this.index.put(tombstone);
    await this.bucket.remove(PHOTO_VARIANTS.map((v) => record.stored.keys[v]));
    if (!tombstone.deletionAnnounced) {
      await this.events.deleted({ v: 1, photoId, at: tombstone.deletedAt });
      await this.index.put({ ...tombstone, deletionAnnounced: true });
    }
    if (first) this.logger.info({ photoId }, 'photo deleted');
    return first ? 'deleted' : 'already-deleted';
  }
}
