import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask } from '@mirror/platform';
import { RETENTION_SETTINGS, type RetentionSettings } from './retention.settings';
import { RetentionService } from './retention.service';

/** Runs the retention sweep every RETENTION_INTERVAL_SECONDS on each replica; the lock makes one of them do it. */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    retention: RetentionService,
    @Inject(RETENTION_SETTINGS) settings: RetentionSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.task = new PeriodicTask({
      name: 'retention sweep',
      intervalMs: settings.intervalMs,
      run: () => retention.sweep(),
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
