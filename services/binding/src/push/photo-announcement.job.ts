import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@mirror/platform';
import { PhotoAnnouncer } from './photo-announcer.service';
import { PUSH_SETTINGS, type PushSettings } from './push.settings';

/** Looks for bursts of photos to announce every PHOTO_PUSH_INTERVAL_MS on each replica. */
@Injectable()
export class PhotoAnnouncementJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly announcer: PhotoAnnouncer,
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // a random first delay spreads replicas that started together
    this.schedule(Math.random() * this.settings.intervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.announcer
        .announceDue()
        .catch((e: unknown) =>
          this.logger.error({ err: e }, 'announcing photos failed; the next round retries'),
        )
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
