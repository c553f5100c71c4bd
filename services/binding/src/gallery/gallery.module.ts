import { Module } from '@nestjs/common';
import { PhotosModule } from '../photos/photos.module';
import { GalleryHandler } from './gallery.handler';
import { GalleryRepository } from './gallery.repository';
import { GalleryService } from './gallery.service';

/** The customer's photo page: `binding.gallery.get` and `binding.photo.delete`. */
@Module({
  imports: [PhotosModule],
  providers: [GalleryRepository, GalleryService],
  controllers: [GalleryHandler],
})
export class GalleryModule {}
