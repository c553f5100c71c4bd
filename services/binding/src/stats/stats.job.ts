import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask } from '@mirror/platform';
import { STATS_SETTINGS, type StatsSettings } from './stats.settings';
import { StatsService } from './stats.service';

/** Recomputes the changed statistics every STATS_REFRESH_INTERVAL_MS on each replica (one at a time does). */
@Injectable()
export class StatsJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    stats: StatsService,
    @Inject(STATS_SETTINGS) settings: StatsSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.task = new PeriodicTask({
      name: 'statistics refresh',
      intervalMs: settings.refreshIntervalMs,
      run: () => stats.refresh(),
      logger,
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
