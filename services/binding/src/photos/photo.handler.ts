import { Injectable } from '@nestjs/common';
import { Events, type PhotoDeleted, type PhotoRejected, type PhotoStored } from '@mirror/contracts';
import { OnEvent } from '@mirror/nats';
import { PhotoService } from './photo.service';

/** Durable consumers of photo-store's events; each acks only after its transaction committed. */
@Injectable()
export class PhotoHandler {
  constructor(private readonly photos: PhotoService) {}

  @OnEvent(Events.photoStored, { durable: 'binding-photo-stored' })
  async stored(event: PhotoStored): Promise<void> {
    await this.photos.recordStored(event);
  }

  @OnEvent(Events.photoRejected, { durable: 'binding-photo-rejected' })
  async rejected(event: PhotoRejected): Promise<void> {
    await this.photos.recordRejected(event);
  }

  @OnEvent(Events.photoDeleted, { durable: 'binding-photo-deleted' })
  async deleted(event: PhotoDeleted): Promise<void> {
    await this.photos.recordDeleted(event);
  }
}
