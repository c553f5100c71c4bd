import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config';
import { infrastructure } from '../infrastructure';
import { Clock } from './clock';
import { ImageInspector } from './image-inspector';
import { PhotoAccessService } from './photo-access.service';
import { PhotoBucketRepository } from './photo-bucket.repository';
import { PhotoEventsPublisher } from './photo-events.publisher';
import { PhotoIndexRepository } from './photo-index.repository';
import { photoIntakeHandler } from './photo-intake.handler';
import { PhotoIntakeService } from './photo-intake.service';
import { PhotoMetrics } from './photo.metrics';
import { PhotoRenderer } from './photo-renderer';
import { PhotoRequestsHandler } from './photo-requests.handler';
import { PHOTO_SETTINGS, photoSettings } from './photo-settings';
import { RecentPhotosRepository } from './recent-photos.repository';

/** Photos in (validate, render, store, announce) and out (signed URLs, deletion). */
@Module({})
export class PhotosModule {
  static register(config: AppConfig): DynamicModule {
    const settings = photoSettings(config);
    return {
      module: PhotosModule,
      providers: [
        ...infrastructure(config),
        { provide: PHOTO_SETTINGS, useValue: settings },
        Clock,
        ImageInspector,
        PhotoRenderer,
        PhotoBucketRepository,
        PhotoIndexRepository,
        RecentPhotosRepository,
        PhotoEventsPublisher,
        PhotoMetrics,
        PhotoIntakeService,
        PhotoAccessService,
        photoIntakeHandler(settings),
        PhotoRequestsHandler,
      ],
    };
  }
}
