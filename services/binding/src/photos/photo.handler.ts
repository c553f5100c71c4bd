import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type PhotoDeleted, type PhotoRejected, type PhotoStored } from '@mirror/contracts';

import { PhotoService } from './photo.service';

/** Durable consumers of photo-store's events; each acks only after its transaction committed. */
@Controller()
export class PhotoHandler {
  constructor(private readonly photos: PhotoService) {}

  @EventPattern(Events.photoStored.subject, { durable: 'binding-photo-stored' })
  async stored(@Payload() event: PhotoStored): Promise<void> {
    await this.photos.recordStored(event);
  }

  @EventPattern(Events.photoRejected.subject, { durable: 'binding-photo-rejected' })
  async rejected(@Payload() event: PhotoRejected): Promise<void> {
    await this.photos.recordRejected(event);
  }

  @EventPattern(Events.photoDeleted.subject, { durable: 'binding-photo-deleted' })
  async deleted(@Payload() event: PhotoDeleted): Promise<void> {
    await this.photos.recordDeleted(event);
  }
}
