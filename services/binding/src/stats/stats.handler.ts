import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Requests, type MirrorsListRequest, type StatsGetRequest } from '@mirror/contracts';
import { MirrorListingRepository } from './mirror-listing.repository';
import { StatsService } from './stats.service';

/** `binding.stats.get` and `binding.mirrors.list`: channel statistics and the mirrors, for the shop console. */
@Controller()
export class StatsHandler {
  constructor(
    private readonly stats: StatsService,
    private readonly mirrors: MirrorListingRepository,
  ) {}

  @MessagePattern(Requests.statsGet.subject)
  get(@Payload() request: StatsGetRequest) {
    return this.stats.get(request);
  }

  @MessagePattern(Requests.mirrorsList.subject)
  list(@Payload() request: MirrorsListRequest) {
    return this.mirrors.list(request);
  }
}
