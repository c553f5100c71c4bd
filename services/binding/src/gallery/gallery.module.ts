import { Module } from '@nestjs/common';
import { GalleryHandler } from './gallery.handler';
import { GalleryService } from './gallery.service';

@Module({ providers: [GalleryService, GalleryHandler] })
export class GalleryModule {}
