import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { DetectionPool } from '../detection/detection-pool';
import { FrameScheduler } from './frame.scheduler';
import { FRAMES_SETTINGS, type FramesSettings } from './frames.settings';

/** How long shutdown waits for the frames in hand (the service's own limit is SHUTDOWN_TIMEOUT_MS). */
const SETTLE_MS = 5000;

/**
 * Loads the models before any frame is taken, and runs the timeout sweep. Stops the sweep once NATS has
 * stopped delivering frames, and lets the frames in hand finish while Redis, NATS and the workers are still
 * there (they close after this, see PoolRegistry).
 */
@Injectable()
export class FramesLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: DetectionPool,
    private readonly scheduler: FrameScheduler,
    @Inject(FRAMES_SETTINGS) private readonly settings: FramesSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.pool.warmUp();
    this.logger.info({ workers: this.pool.threads }, 'detection workers ready');
    this.timer = setInterval(() => {
      this.sweeping = this.sweeping.then(() => this.scheduler.sweep());
    }, this.settings.sweepIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await this.scheduler.settle(SETTLE_MS);
  }
}
