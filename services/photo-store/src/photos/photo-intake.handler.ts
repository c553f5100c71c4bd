import { Inject, Injectable, type Type } from '@nestjs/common';
import { MirrorSubjects } from '@mirror/contracts';
import { OnJetStream, PoisonMessageError, type EventContext } from '@mirror/nats';
import { Clock } from './clock';
import { PhotoIntakeService } from './photo-intake.service';
import { PhotoMetrics } from './photo.metrics';
import type { PhotoSettings } from './photo-settings';

/** Durable consumer of mirror photos (one per deployment: replicas share it). */
export const PHOTO_CONSUMER = 'photo-store-photos';

/**
 * The JetStream edge for `mirror.<id>.photo`. Built per configuration because the consumer's concurrency
 * (how many photos are pulled and held in memory at once) comes from PHOTO_CONCURRENCY.
 */
export function photoIntakeHandler(
  settings: Pick<PhotoSettings, 'concurrency' | 'ackWaitMs'>,
): Type<unknown> {
  @Injectable()
  class PhotoIntakeHandler {
    constructor(
      @Inject(PhotoIntakeService) private readonly intake: PhotoIntakeService,
      @Inject(PhotoMetrics) private readonly metrics: PhotoMetrics,
      @Inject(Clock) private readonly clock: Clock,
    ) {}

    // Transient faults (object storage or NATS away) retry for about three hours before dead-lettering.
    @OnJetStream({
      stream: 'PHOTOS_IN',
      subject: MirrorSubjects.all('photo'),
      durable: PHOTO_CONSUMER,
      concurrency: settings.concurrency,
      ackWaitMs: settings.ackWaitMs,
      maxDeliver: 200,
      backoffMs: [500, 1000, 2000, 5000, 10000, 30000, 60000],
    })
    async onPhoto(bytes: Uint8Array, ctx: EventContext): Promise<void> {
      const done = this.metrics.begin();
      // a big photo on a busy replica may outlast the ack wait: tell JetStream it is still being worked on
      const beat = setInterval(() => ctx.msg.working(), Math.max(250, Math.floor(settings.ackWaitMs / 3)));
      try {
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of ctx.msg.headers ?? []) headers[k] = v[0];
        const result = await this.intake.receive({
          subject: ctx.subject,
          headers,
          bytes,
          streamSequence: ctx.msg.info.streamSequence,
        });
        done(result.outcome);
        if (result.outcome === 'stored') {
          const publishedAt = ctx.msg.info.timestampNanos / 1e6;
          this.metrics.stored(result.photo.bytes, publishedAt, this.clock.now().getTime());
        }
        if (result.outcome === 'rejected') {
          this.metrics.rejected(result.error.code);
          throw new PoisonMessageError(result.error.message);
        }
      } catch (e) {
        if (!(e instanceof PoisonMessageError)) done('retry');
        throw e;
      } finally {
        clearInterval(beat);
      }
    }
  }
  return PhotoIntakeHandler;
}
