import { Module } from '@nestjs/common';
import { PhotosModule } from '../photos/photos.module';
import { LooksRefreshJob } from './looks-refresh.job';
import { LooksHandler } from './looks.handler';
import { LooksPublisher } from './looks.publisher';
import { LooksRepository } from './looks.repository';
import { LooksService } from './looks.service';

/** The mirror's looks during a session: gestures → state in Redis → the screen; favourites in Postgres. */
@Module({
  imports: [PhotosModule],
  providers: [LooksRepository, LooksPublisher, LooksService, LooksRefreshJob],
  controllers: [LooksHandler],
  exports: [LooksService],
})
export class LooksModule {}
