import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Requests } from '@mirror/contracts';
import type { z } from 'zod';
import { GalleryService } from './gallery.service';

type GalleryRequest = z.infer<(typeof Requests.galleryGet)['request']>;
type DeleteRequest = z.infer<(typeof Requests.bindingPhotoDelete)['request']>;
type FavouriteRequest = z.infer<(typeof Requests.bindingPhotoFavourite)['request']>;

/** `binding.gallery.get`, `binding.photo.delete` and `binding.photo.favourite` for the gateway's photo page. */
@Controller()
export class GalleryHandler {
  constructor(private readonly gallery: GalleryService) {}

  @MessagePattern(Requests.galleryGet.subject)
  get(@Payload() request: GalleryRequest) {
    return this.gallery.get(request.openid);
  }

  @MessagePattern(Requests.bindingPhotoDelete.subject)
  delete(@Payload() request: DeleteRequest) {
    return this.gallery.deletePhoto(request.openid, request.photoId);
  }

  @MessagePattern(Requests.bindingPhotoFavourite.subject)
  favourite(@Payload() request: FavouriteRequest) {
    return this.gallery.favourite(request.openid, request.photoId, request.favourite);
  }
}
