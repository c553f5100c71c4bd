import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { PhotoHandler } from './photo.handler';
import { PhotoRepository } from './photo.repository';
import { PhotoService } from './photo.service';

/** Photos and the session each belongs to; the reply, the gallery and retention read its repository. */
@Module({
  imports: [SessionsModule],
  providers: [PhotoRepository, PhotoService],
  controllers: [PhotoHandler],
  exports: [PhotoRepository],
})
export class PhotosModule {}
