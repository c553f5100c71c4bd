import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { FavouriteRepository } from './favourite.repository';
import { PhotoHandler } from './photo.handler';
import { PhotoRepository } from './photo.repository';
import { PhotoService } from './photo.service';

/** Photos and the session each belongs to; the reply, the gallery and retention read its repository. */
@Module({
  imports: [SessionsModule],
  providers: [PhotoRepository, PhotoService, FavouriteRepository],
  controllers: [PhotoHandler],
  exports: [PhotoRepository, PhotoService, FavouriteRepository],
})
export class PhotosModule {}
