import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MirrorSubjects } from '@mirror/contracts';
import { JetStreamContext, PoisonMessageError } from '@mirror/nats';
import { Clock } from '@mirror/platform';
import { PhotoIntakeService } from './photo-intake.service';
import { PhotoMetrics } from './photo.metrics';
import { PHOTO_SETTINGS, type PhotoSettings } from './photos.settings';

/** Durable consumer of mirror photos (one per deployment: replicas share it). */
export const PHOTO_CONSUMER = 'photo-store-photos';

const PHOTOS = MirrorSubjects.all('photo');

/** The JetStream edge for `mirror.<id>.photo`: raw image bytes, validated and stored by PhotoIntakeService. */
@Controller()
export class PhotoIntakeHandler {
  constructor(
    private readonly intake: PhotoIntakeService,
    private readonly metrics: PhotoMetrics,
    private readonly clock: Clock,
    @Inject(PHOTO_SETTINGS) private readonly settings: PhotoSettings,
  ) {}

  // Transient faults (object storage or NATS away) retry for about three hours before dead-lettering.
  // How many photos a replica holds at once and the ack wait follow the environment (PHOTO_CONCURRENCY,
  // PHOTO_ACK_WAIT_MS): the transport reads `concurrency` and `ackWaitMs` of PHOTO_SETTINGS when it starts.
  @EventPattern(PHOTOS, {
    stream: 'PHOTOS_IN',
    durable: PHOTO_CONSUMER,
    raw: true,
    maxDeliver: 200,
    backoffMs: [500, 1000, 2000, 5000, 10000, 30000, 60000],
    settings: PHOTO_SETTINGS,
  })
  async onPhoto(@Payload() bytes: Uint8Array, @Ctx() ctx: JetStreamContext): Promise<void> {
    const msg = ctx.getMessage();
    const done = this.metrics.begin();
    // a big photo on a busy replica may outlast the ack wait: tell JetStream it is still being worked on
    const beat = setInterval(() => msg.working(), Math.max(250, Math.floor(this.settings.ackWaitMs / 3)));
    try {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of msg.headers ?? []) headers[k] = v[0];
      const result = await this.intake.receive({
        subject: ctx.getSubject(),
        headers,
        bytes,
        streamSequence: msg.info.streamSequence,
      });
      done(result.outcome);
      if (result.outcome === 'stored') {
        const publishedAt = msg.info.timestampNanos / 1e6;
        this.metrics.stored(result.photo.bytes, publishedAt, this.clock.now());
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
