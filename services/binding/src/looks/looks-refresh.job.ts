import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask } from '@mirror/platform';
import { LOOKS_SETTINGS, type LooksSettings } from './looks.settings';
import { LooksService } from './looks.service';

/** Sends the looks state of the mirrors in session again every LOOKS_REFRESH_MS (one replica per period). */
@Injectable()
export class LooksRefreshJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly replica = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly task: PeriodicTask;

  constructor(
    looks: LooksService,
    @Inject(LOOKS_SETTINGS) settings: LooksSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.task = new PeriodicTask({
      name: 'looks refresh',
      intervalMs: settings.refreshMs,
      run: () => looks.refresh(this.replica),
      failureLevel: 'warn',
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
