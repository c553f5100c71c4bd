import { Module } from '@nestjs/common';
import { PhotosModule } from '../photos/photos.module';
import { RetentionJob } from './retention.job';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** The sweep that deletes photos nobody confirmed, one replica at a time. */
@Module({
  imports: [PhotosModule],
  providers: [RetentionRepository, RetentionService, RetentionJob],
  exports: [RetentionService],
})
export class RetentionModule {}
