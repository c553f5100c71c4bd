import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import type { AppConfig } from './config';
import { PhotosModule } from './photos/photos.module';

/** photo-store: photo bytes in object storage, display and thumbnail variants, signed URLs. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        NatsModule.forRoot({
          config,
          name: 'photo-store',
          streams: ['PHOTOS_IN', 'PHOTOS'],
        }),
        PhotosModule.register(config),
      ],
    };
  }
}
