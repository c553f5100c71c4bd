import { Injectable } from '@nestjs/common';
import { Requests } from '@mirror/contracts';
import { OnRequest } from '@mirror/nats';
import type { z } from 'zod';
import { GalleryService } from './gallery.service';

type GalleryRequest = z.infer<(typeof Requests.galleryGet)['request']>;
type DeleteRequest = z.infer<(typeof Requests.bindingPhotoDelete)['request']>;

/** `binding.gallery.get` and `binding.photo.delete` for the gateway's photo page. */
@Injectable()
export class GalleryHandler {
  constructor(private readonly gallery: GalleryService) {}

  @OnRequest(Requests.galleryGet)
  get(request: GalleryRequest) {
    return this.gallery.get(request.openid);
  }

  @OnRequest(Requests.bindingPhotoDelete)
  delete(request: DeleteRequest) {
    return this.gallery.deletePhoto(request.openid, request.photoId);
  }
}
