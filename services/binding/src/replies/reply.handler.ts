import { Injectable } from '@nestjs/common';
import {
  Events,
  Requests,
  type MessageReceived,
  type QrScanned,
  type ReplyScanRequest,
  type ReplyScanResponse,
} from '@mirror/contracts';
import { OnEvent, OnRequest, type EventContext } from '@mirror/nats';
import { ReplyService } from './reply.service';

/** `binding.reply.scan` for the gateway, and the durable scan and message events behind it. */
@Injectable()
export class ReplyHandler {
  constructor(private readonly replies: ReplyService) {}

  @OnRequest(Requests.replyScan)
  async reply(request: ReplyScanRequest): Promise<ReplyScanResponse> {
    return { reply: await this.replies.replyNow(request) };
  }

  @OnEvent(Events.qrScanned, { durable: 'binding-qr-scanned', backoffMs: [1000, 3000, 5000, 15000, 30000] })
  async scanned(event: QrScanned, ctx: EventContext): Promise<void> {
    await this.replies.scanned(event, ctx.deliveries);
  }

  @OnEvent(Events.messageReceived, { durable: 'binding-message-received' })
  async message(event: MessageReceived): Promise<void> {
    await this.replies.messageReceived(event);
  }
}
