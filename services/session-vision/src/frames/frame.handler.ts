import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, NatsContext, Payload } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { MirrorSubjects, frameHeadersSchema } from '@mirror/contracts';
import { Clock } from '@mirror/platform';
import { VisionMetrics } from '../shared/vision.metrics';
import { FrameScheduler } from './frame.scheduler';

/** `mirror.*.frame` (core NATS, JPEG): checks subject and headers, hands the frame to the scheduler. */
@Controller()
export class FrameHandler {
  constructor(
    private readonly scheduler: FrameScheduler,
    private readonly metrics: VisionMetrics,
    private readonly clock: Clock,
  ) {}

  // No queue group: every replica sees every frame, and the mirror's lease decides which one handles it.
  @EventPattern(MirrorSubjects.all('frame'), { core: true })
  frame(@Payload() data: Uint8Array, @Ctx() ctx: NatsContext): void {
    const receivedAt = this.clock.now();
    const parsed = MirrorSubjects.parse(ctx.getSubject());
    const headers = ctx.getHeaders() as MsgHdrs | undefined;
    const stamp = frameHeadersSchema.safeParse({ ts: headers?.get('ts'), seq: headers?.get('seq') });
    if (!parsed || !stamp.success) {
      this.metrics.frame('bad-headers');
      return;
    }
    // Copied: the frame waits for a worker while the connection reuses its read buffers.
    this.scheduler.acceptFrame(parsed.mirrorId, { data: Uint8Array.from(data), ...stamp.data, receivedAt });
  }
}
