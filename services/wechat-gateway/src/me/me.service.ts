import { Inject, Injectable } from '@nestjs/common';
import { Requests, type GalleryGetResponse } from '@mirror/contracts';
import { NatsClient, RequestRefusedError } from '@mirror/nats';
import { Clock } from '@mirror/platform';
import { customerFromCookieHeader } from '@mirror/web-auth';
import { ME_SETTINGS, type MeSettings } from './me.settings';

/** Thrown when nobody (or a forged cookie) asks for a gallery: the page says how to get in. */
export class NotSignedInError extends Error {
  constructor() {
    super('no valid customer cookie');
    this.name = 'NotSignedInError';
  }
}

/** The customer's own photos, through binding; the cookie decides who the customer is. */
@Injectable()
export class MeService {
  constructor(
    private readonly nats: NatsClient,
    @Inject(ME_SETTINGS) private readonly settings: MeSettings,
    private readonly clock: Clock,
  ) {}

  /** The openid a genuine, unexpired customer cookie names; NotSignedInError otherwise. */
  customer(cookieHeader: string | undefined): string {
    const openid = customerFromCookieHeader(cookieHeader, this.settings.cookieSecret, this.clock.now());
    if (!openid) throw new NotSignedInError();
    return openid;
  }

  /** The customer's photos, grouped by visit, with short-lived signed URLs (binding's `binding.gallery.get`). */
  gallery(openid: string): Promise<GalleryGetResponse> {
    return this.nats.request(Requests.galleryGet, { openid }, { timeoutMs: 3000 });
  }

  /** (Un)favourites one of the customer's own photos; false when it is not theirs or gone. */
  async setFavourite(openid: string, photoId: string, favourite: boolean): Promise<boolean> {
    try {
      await this.nats.request(
        Requests.bindingPhotoFavourite,
        { openid, photoId, favourite },
        { timeoutMs: 3000 },
      );
      return true;
    } catch (e) {
      if (e instanceof RequestRefusedError && ['NOT_FOUND', 'FORBIDDEN', 'INVALID_REQUEST'].includes(e.code))
        return false;
      throw e;
    }
  }

  /** Deletes one of the customer's own photos; false when it is not theirs or already gone. */
  async deletePhoto(openid: string, photoId: string): Promise<boolean> {
    try {
      const { deleted } = await this.nats.request(
        Requests.bindingPhotoDelete,
        { openid, photoId },
        { timeoutMs: 5000 },
      );
      return deleted;
    } catch (e) {
      if (e instanceof RequestRefusedError && ['NOT_FOUND', 'FORBIDDEN', 'INVALID_REQUEST'].includes(e.code))
        return false;
      throw e;
    }
  }
}
