import { Inject, Injectable } from '@nestjs/common';
import { Requests, type PhotoVariant } from '@mirror/contracts';
import { NatsClient, NoRespondersError, RequestTimeoutError } from '@mirror/nats';
import { APP_CONFIG } from '@mirror/platform';
import type { AppConfig } from '../config';
import { PhotoStoreUnavailableError } from './errors';

/** photo-store's request/reply API: signed URLs and deletions, by photo id only (photo-store owns the keys). */
@Injectable()
export class PhotoStoreClient {
  constructor(
    private readonly nats: NatsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A signed URL; PhotoStoreUnavailableError when photo-store is down or slow, RequestRefusedError when it says no. */
  async url(
    photoId: string,
    variant: PhotoVariant,
    timeoutMs = this.config.PHOTO_STORE_TIMEOUT_MS,
  ): Promise<string> {
    try {
      const answer = await this.nats.request(
        Requests.photoUrl,
        { photoId, variant, ttlSeconds: this.config.PHOTO_URL_TTL_SECONDS },
        { timeoutMs },
      );
      return answer.url;
    } catch (e) {
      throw unavailable('photo.url', e);
    }
  }

  /** Deletes every variant of a photo; true when photo-store had it. */
  async delete(photoId: string): Promise<boolean> {
    try {
      const answer = await this.nats.request(
        Requests.photoDelete,
        { photoId },
        { timeoutMs: this.config.PHOTO_STORE_TIMEOUT_MS },
      );
      return answer.deleted;
    } catch (e) {
      throw unavailable('photo.delete', e);
    }
  }
}

function unavailable(operation: string, e: unknown): unknown {
  return e instanceof NoRespondersError || e instanceof RequestTimeoutError
    ? new PhotoStoreUnavailableError(operation, e)
    : e;
}
