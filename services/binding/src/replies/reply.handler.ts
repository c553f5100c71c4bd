import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  Events,
  Requests,
  type MessageReceived,
  type QrScanned,
  type ReplyScanRequest,
  type ReplyScanResponse,
} from '@mirror/contracts';
import { type JetStreamContext } from '@mirror/nats';
import { ReplyService } from './reply.service';

/** `binding.reply.scan` for the gateway, and the durable scan and message events behind it. */
@Controller()
export class ReplyHandler {
  constructor(private readonly replies: ReplyService) {}

  @MessagePattern(Requests.replyScan.subject)
  async reply(@Payload() request: ReplyScanRequest): Promise<ReplyScanResponse> {
    return { reply: await this.replies.replyNow(request) };
  }

  @EventPattern(Events.qrScanned.subject, {
    durable: 'binding-qr-scanned',
    backoffMs: [1000, 3000, 5000, 15000, 30000],
  })
  async scanned(@Payload() event: QrScanned, @Ctx() ctx: JetStreamContext): Promise<void> {
    await this.replies.scanned(event, ctx.getDeliveries());
  }

  @EventPattern(Events.messageReceived.subject, { durable: 'binding-message-received' })
  async message(@Payload() event: MessageReceived): Promise<void> {
    await this.replies.messageReceived(event);
  }
}
