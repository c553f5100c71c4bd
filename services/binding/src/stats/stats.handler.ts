import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Requests, type StatsGetRequest } from '@mirror/contracts';
import { StatsService } from './stats.service';

/** `binding.stats.get`: channel statistics for the shop console. */
@Controller()
export class StatsHandler {
  constructor(private readonly stats: StatsService) {}

  @MessagePattern(Requests.statsGet.subject)
  get(@Payload() request: StatsGetRequest) {
    return this.stats.get(request);
  }
}
