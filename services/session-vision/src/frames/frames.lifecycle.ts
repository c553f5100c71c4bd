import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FramePartitions } from '@mirror/contracts';
import { LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { DetectionPool } from '../detection/detection-pool';
import { PartitionCoordinator } from '../partitions/partition.coordinator';
import { FrameIntake } from './frame.intake';
import { FrameScheduler } from './frame.scheduler';
import { FRAMES_SETTINGS, type FramesSettings } from './frames.settings';

/** How long shutdown waits for the frames in hand (the service's own limit is SHUTDOWN_TIMEOUT_MS). */
const SETTLE_MS = 5000;

/**
 * Loads the models before any frame is taken, then joins the replicas (partitions are taken only once this
 * replica can analyse their frames), and runs the timeout sweep over the mirrors of its partitions. On
 * shutdown it hands its partitions over first (the others take them at once), stops the sweep, and lets
 * the frames in hand finish while Redis, NATS and the workers are still there (they close after this, see
 * PoolRegistry).
 */
@Injectable()
export class FramesLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: DetectionPool,
    private readonly scheduler: FrameScheduler,
    private readonly coordinator: PartitionCoordinator,
    private readonly intake: FrameIntake,
    @Inject(FRAMES_SETTINGS) private readonly settings: FramesSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.pool.warmUp();
    this.logger.info({ workers: this.pool.threads }, 'detection workers ready');
    await this.coordinator.start();
    const mine = (mirrorId: string) => this.coordinator.owns(FramePartitions.of(mirrorId));
    this.timer = setInterval(() => {
      this.intake.mirrorsSeen(); // keeps the gauge current
      this.sweeping = this.sweeping.then(() => this.scheduler.sweep(mine));
    }, this.settings.sweepIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.coordinator.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await this.scheduler.settle(SETTLE_MS);
  }
}
