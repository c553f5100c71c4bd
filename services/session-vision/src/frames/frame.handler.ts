import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, NatsContext, Payload } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { FramePartitions } from '@mirror/contracts';
import { FrameIntake } from './frame.intake';

/**
 * `vision.frame.<partition>.<mirrorId>` (core NATS, JPEG), as the bus maps the mirrors' frames. Subscribed
 * on demand: FrameIntake opens one subscription per partition this replica holds, and closes it when the
 * partition moves away.
 */
@Controller()
export class FrameHandler {
  constructor(private readonly intake: FrameIntake) {}

  @EventPattern(FramePartitions.all, { core: true, onDemand: true })
  frame(@Payload() data: Uint8Array, @Ctx() ctx: NatsContext): void {
    this.intake.frame(data, ctx.getSubject(), ctx.getHeaders() as MsgHdrs | undefined);
  }
}
