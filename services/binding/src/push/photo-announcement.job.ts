import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask } from '@mirror/platform';
import { PhotoAnnouncer } from './photo-announcer.service';
import { PUSH_SETTINGS, type PushSettings } from './push.settings';

/** Looks for bursts of photos to announce every PHOTO_PUSH_INTERVAL_MS on each replica. */
@Injectable()
export class PhotoAnnouncementJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    announcer: PhotoAnnouncer,
    @Inject(PUSH_SETTINGS) settings: PushSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.task = new PeriodicTask({
      name: 'announcing photos',
      intervalMs: settings.intervalMs,
      run: () => announcer.announceDue(),
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
