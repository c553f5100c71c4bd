import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@mirror/platform';
import { STATS_SETTINGS, type StatsSettings } from './stats.settings';
import { StatsService } from './stats.service';

/** Recomputes the changed statistics every STATS_REFRESH_INTERVAL_MS on each replica (one at a time does). */
@Injectable()
export class StatsJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly stats: StatsService,
    @Inject(STATS_SETTINGS) private readonly settings: StatsSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(Math.random() * this.settings.refreshIntervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.stats
        .refresh()
        .catch((e: unknown) =>
          this.logger.error({ err: e }, 'statistics refresh failed; the next one retries'),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.settings.refreshIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
