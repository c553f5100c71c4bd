import { Module } from '@nestjs/common';
import { MirrorListingRepository } from './mirror-listing.repository';
import { StatsQueryRepository } from './stats-query.repository';
import { StatsHandler } from './stats.handler';
import { StatsJob } from './stats.job';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** Channel statistics per mirror, store and Asia/Shanghai day: materialised, refreshed, answered. */
@Module({
  providers: [StatsRepository, StatsQueryRepository, MirrorListingRepository, StatsService, StatsJob],
  controllers: [StatsHandler],
  exports: [StatsService],
})
export class StatsModule {}
