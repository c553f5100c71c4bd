import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config';
import { InfrastructureModule } from './infrastructure.module';
import { PhotosModule } from './photos/photos.module';

/** photo-store: photo bytes in object storage, display and thumbnail variants, signed URLs. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), PhotosModule],
    };
  }
}
