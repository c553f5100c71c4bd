import { Inject, Injectable } from '@nestjs/common';
import {
  Requests,
  type MirrorsListResponse,
  type StatsGetResponse,
  type StatsGrouping,
} from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console.settings';

/** binding's answers the console shows: statistics and mirrors, always for a scope (stores) already checked. */
@Injectable()
export class BindingClient {
  constructor(
    private readonly nats: NatsClient,
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
  ) {}

  stats(request: {
    from: string;
    to: string;
    storeIds?: string[];
    mirrorId?: string;
    by: StatsGrouping[];
  }): Promise<StatsGetResponse> {
    return this.nats.request(Requests.statsGet, request, { timeoutMs: this.settings.requestTimeoutMs });
  }

  mirrors(request: { storeIds?: string[]; mirrorId?: string }): Promise<MirrorsListResponse> {
    return this.nats.request(Requests.mirrorsList, request, { timeoutMs: this.settings.requestTimeoutMs });
  }
}
