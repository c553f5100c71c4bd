import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ReplyCodes, type GalleryGetResponse } from '@mirror/contracts';
import { RefusalError, RequestRefusedError } from '@mirror/nats';
import { Clock, LOGGER } from '@mirror/platform';
import { FavouriteRepository } from '../photos/favourite.repository';
import { PhotoRepository } from '../photos/photo.repository';
import { PhotoStoreUnavailableError } from '../shared/errors';
import { PhotoStoreClient } from '../shared/photo-store.client';
import { GalleryRepository, type GallerySession } from './gallery.repository';

type GalleryPhoto = GalleryGetResponse['sessions'][number]['photos'][number];

/** Signed-URL requests in flight at once for one gallery. */
const URL_CONCURRENCY = 8;

/** The customer's own photos: only confirmed sessions, only their own deletions. */
@Injectable()
export class GalleryService {
  constructor(
    private readonly gallery: GalleryRepository,
    private readonly photos: PhotoRepository,
    private readonly favourites: FavouriteRepository,
    private readonly photoStore: PhotoStoreClient,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Confirmed sessions, newest first, each photo with signed thumbnail and display URLs. */
  async get(openid: string): Promise<GalleryGetResponse> {
    const sessions = await this.gallery.confirmedSessions(openid);
    const signed = await mapLimit(
      sessions.flatMap((s) => s.photos),
      URL_CONCURRENCY,
      (p) => this.sign(p),
    );
    const byId = new Map(signed.filter((p): p is GalleryPhoto => p !== null).map((p) => [p.photoId, p]));
    return {
      openid,
      sessions: sessions.map((s: GallerySession) => ({
        sessionId: s.sessionId,
        mirrorId: s.mirrorId,
        startedAt: s.startedAt.toISOString(),
        photos: s.photos.map((p) => byId.get(p.photoId)).filter((p): p is GalleryPhoto => p !== undefined),
      })),
    };
  }

  /**
   * Deletes one of the customer's photos: hidden from the gallery at once, then removed by photo-store.
   * If photo-store is away the photo stays hidden and the retention sweep finishes the job.
   */
  async deletePhoto(openid: string, photoId: string): Promise<{ deleted: boolean }> {
    const marked = await this.photos.markDeletingIfOwned(photoId, openid, this.clock.date());
    if (marked === 'not-found')
      throw new RefusalError(ReplyCodes.notFound, 'No such photo in your gallery.', 'photoId');
    if (marked === 'already') return { deleted: false };
    try {
      await this.photoStore.delete(photoId);
      await this.photos.markDeleted(photoId, 'customer', this.clock.date());
    } catch (e) {
      this.logger.warn(
        { err: e, photoId },
        'photo hidden; photo-store deletion will be retried by the sweep',
      );
    }
    return { deleted: true };
  }

  /** (Un)favourites one of the customer's own photos; NOT_FOUND for anyone else's. */
  async favourite(openid: string, photoId: string, favourite: boolean): Promise<{ favourite: boolean }> {
    const photo = await this.favourites.setIfOwned(photoId, openid, favourite, this.clock.date());
    if (!photo) throw new RefusalError(ReplyCodes.notFound, 'No such photo in your gallery.', 'photoId');
    return { favourite };
  }

  private async sign(p: GallerySession['photos'][number]): Promise<GalleryPhoto | null> {
    try {
      const [thumbUrl, displayUrl] = await Promise.all([
        this.photoStore.url(p.photoId, 'thumb'),
        this.photoStore.url(p.photoId, 'display'),
      ]);
      return {
        photoId: p.photoId,
        takenAt: p.takenAt.toISOString(),
        favourite: p.favourite,
        thumbUrl,
        displayUrl,
        ...(p.width ? { width: p.width } : {}),
        ...(p.height ? { height: p.height } : {}),
      };
    } catch (e) {
      if (e instanceof PhotoStoreUnavailableError) {
        throw new RefusalError(
          ReplyCodes.unavailable,
          'The photo store is not answering; try again in a moment.',
        );
      }
      if (e instanceof RequestRefusedError) {
        // photo-store no longer has it: leave it out rather than fail the whole gallery
        this.logger.warn({ photoId: p.photoId, code: e.code }, 'photo left out of the gallery');
        return null;
      }
      throw e;
    }
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
