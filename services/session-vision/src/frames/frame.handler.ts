import { Inject, Injectable } from '@nestjs/common';
import { MirrorSubjects, frameHeadersSchema } from '@mirror/contracts';
import { OnMessage } from '@mirror/nats';
import type { Msg } from 'nats';
import { Clock } from '../session/clock';
import { VisionService } from '../session/vision.service';
import { VisionMetrics } from '../session/vision.metrics';

/** `mirror.*.frame` (core NATS, JPEG): checks subject and headers, hands the frame to VisionService. */
@Injectable()
export class FrameHandler {
  constructor(
    @Inject(VisionService) private readonly vision: VisionService,
    @Inject(VisionMetrics) private readonly metrics: VisionMetrics,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @OnMessage(MirrorSubjects.all('frame'))
  onFrame(msg: Msg, subject: string): void {
    const receivedAt = this.clock.now();
    const parsed = MirrorSubjects.parse(subject);
    const headers = frameHeadersSchema.safeParse({
      ts: msg.headers?.get('ts'),
      seq: msg.headers?.get('seq'),
    });
    if (!parsed || !headers.success) {
      this.metrics.frame('bad-headers');
      return;
    }
    // Copied: the frame waits for a worker while the connection reuses its read buffers.
    this.vision.acceptFrame(parsed.mirrorId, {
      data: Uint8Array.from(msg.data),
      ...headers.data,
      receivedAt,
    });
  }
}
