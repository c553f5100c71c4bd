import { Module } from '@nestjs/common';
import { PhotoHandler } from './photo.handler';
import { PhotoService } from './photo.service';

@Module({ providers: [PhotoService, PhotoHandler] })
export class PhotosModule {}
