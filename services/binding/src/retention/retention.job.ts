import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@mirror/platform';
import { RETENTION_SETTINGS, type RetentionSettings } from './retention.settings';
import { RetentionService } from './retention.service';

/** Runs the retention sweep every RETENTION_INTERVAL_SECONDS on each replica; the lock makes one of them do it. */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly retention: RetentionService,
    @Inject(RETENTION_SETTINGS) private readonly settings: RetentionSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // a random first delay spreads replicas that started together
    this.schedule(Math.random() * this.settings.intervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.retention
        .sweep()
        .catch((e: unknown) => this.logger.error({ err: e }, 'retention sweep failed; next one retries'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.settings.intervalMs);
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
