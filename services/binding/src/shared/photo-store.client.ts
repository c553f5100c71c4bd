import { Inject, Injectable } from '@nestjs/common';
import { PHOTO_VARIANTS, Requests, type PhotoVariant } from '@mirror/contracts';
import { NatsClient, NoRespondersError, RequestTimeoutError } from '@mirror/nats';
import { Clock } from '@mirror/platform';
import { PhotoStoreUnavailableError } from './errors';
import { PHOTO_STORE_SETTINGS, type PhotoStoreSettings } from './photo-store.settings';

/** Signed URLs kept per replica; the oldest go first beyond this. */
const URL_CACHE_ENTRIES = 20000;

interface CachedUrl {
  url: string;
  /** Handed out until then: afterwards less than half of the URL's lifetime would be left. */
  freshUntil: number;
}

/**
 * photo-store's request/reply API: signed URLs and deletions, by photo id only (photo-store owns the keys).
 *
 * A signed URL is reused while at least half of its lifetime is left, and concurrent asks for the same one
 * share a request: the scan reply and the gallery ask for the same thumbnails again and again, and a
 * reused URL is also one WeChat's and the browser's image caches already hold.
 */
@Injectable()
export class PhotoStoreClient {
  private readonly urls = new Map<string, CachedUrl>();
  private readonly asking = new Map<string, Promise<string>>();

  constructor(
    private readonly nats: NatsClient,
    private readonly clock: Clock,
    @Inject(PHOTO_STORE_SETTINGS) private readonly settings: PhotoStoreSettings,
  ) {}

  /** A signed URL; PhotoStoreUnavailableError when photo-store is down or slow, RequestRefusedError when it says no. */
  async url(photoId: string, variant: PhotoVariant, timeoutMs = this.settings.timeoutMs): Promise<string> {
    const key = `${variant}:${photoId}`;
    const cached = this.urls.get(key);
    if (cached && cached.freshUntil > this.clock.now()) return cached.url;
    const pending = this.asking.get(key);
    if (pending) return pending;
    const asked = this.ask(photoId, variant, timeoutMs).finally(() => this.asking.delete(key));
    this.asking.set(key, asked);
    const url = await asked;
    this.remember(key, url);
    return url;
  }

  /** Deletes every variant of a photo; true when photo-store had it. */
  async delete(photoId: string): Promise<boolean> {
    this.forget(photoId);
    try {
      const answer = await this.nats.request(
        Requests.photoDelete,
        { photoId },
        { timeoutMs: this.settings.timeoutMs },
      );
      return answer.deleted;
    } catch (e) {
      throw unavailable('photo.delete', e);
    }
  }

  /** Drops the URLs kept for a photo (it is being deleted). */
  forget(photoId: string): void {
    for (const variant of PHOTO_VARIANTS) {
      this.urls.delete(`${variant}:${photoId}`);
    }
  }

  private async ask(photoId: string, variant: PhotoVariant, timeoutMs: number): Promise<string> {
    try {
      const answer = await this.nats.request(
        Requests.photoUrl,
        { photoId, variant, ttlSeconds: this.settings.urlTtlSeconds },
        { timeoutMs },
      );
      return answer.url;
    } catch (e) {
      throw unavailable('photo.url', e);
    }
  }

  private remember(key: string, url: string): void {
    // counted from when the answer arrived: the URL was signed a moment before, well inside the margin
    const freshUntil = this.clock.now() + (this.settings.urlTtlSeconds * 1000) / 2;
    this.urls.delete(key);
    this.urls.set(key, { url, freshUntil });
    if (this.urls.size > URL_CACHE_ENTRIES) this.urls.delete(this.urls.keys().next().value!);
  }
}

function unavailable(operation: string, e: unknown): unknown {
  return e instanceof NoRespondersError || e instanceof RequestTimeoutError
    ? new PhotoStoreUnavailableError(operation, e)
    : e;
}
