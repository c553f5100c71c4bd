import { Module } from '@nestjs/common';
import { RetentionJob } from './retention.job';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

@Module({ providers: [RetentionRepository, RetentionService, RetentionJob], exports: [RetentionService] })
export class RetentionModule {}
