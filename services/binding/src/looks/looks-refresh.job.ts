import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { LOGGER } from '@mirror/platform';
import { LOOKS_SETTINGS, type LooksSettings } from './looks.settings';
import { LooksService } from './looks.service';

/** Sends the looks state of the mirrors in session again every LOOKS_REFRESH_MS (one replica per period). */
@Injectable()
export class LooksRefreshJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly replica = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly looks: LooksService,
    @Inject(LOOKS_SETTINGS) private readonly settings: LooksSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(Math.random() * this.settings.refreshMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.looks
        .refresh(this.replica)
        .catch((e: unknown) => this.logger.warn({ err: e }, 'looks refresh failed; the next one retries'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.settings.refreshMs);
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
