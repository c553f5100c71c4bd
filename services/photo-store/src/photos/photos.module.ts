import { Module } from '@nestjs/common';
import { ImageInspector } from './image.inspector';
import { PhotoAccessService } from './photo-access.service';
import { PhotoBucketRepository } from './photo-bucket.repository';
import { PhotoEventsPublisher } from './photo-events.publisher';
import { PhotoIndexRepository } from './photo-index.repository';
import { PhotoIntakeHandler } from './photo-intake.handler';
import { PhotoIntakeService } from './photo-intake.service';
import { PhotoMetrics } from './photo.metrics';
import { PhotoRenderer } from './photo.renderer';
import { PhotoRequestsHandler } from './photo-requests.handler';
import { RecentPhotosRepository } from './recent-photos.repository';

/** Photos in (validate, render, store, announce) and out (signed URLs, deletion). */
@Module({
  controllers: [PhotoIntakeHandler, PhotoRequestsHandler],
  providers: [
    ImageInspector,
    PhotoRenderer,
    PhotoBucketRepository,
    PhotoIndexRepository,
    RecentPhotosRepository,
    PhotoEventsPublisher,
    PhotoMetrics,
    PhotoIntakeService,
    PhotoAccessService,
  ],
})
export class PhotosModule {}
