import { Injectable } from '@nestjs/common';
import type { MessageReceived, PassiveReply, QrScanned, ReplyScanRequest } from '@mirror/contracts';
import { Clock } from '@mirror/platform';
import { ClaimService } from '../claims/claim.service';
import { CustomerRepository } from '../customers/customer.repository';
import { PushService } from '../push/push.service';
import { SceneNotYetKnownError } from '../shared/errors';
import { ReplyComposer } from './reply.composer';

/** Deliveries of a scan whose scene is unknown that wait for its `qr.issued` before answering "unknown". */
const PENDING_SCENE_TRIES = 3;

/** The conversation with a customer: answers to scans and texts, as passive replies or pushed messages. */
@Injectable()
export class ReplyService {
  constructor(
    private readonly claims: ClaimService,
    private readonly customers: CustomerRepository,
    private readonly composer: ReplyComposer,
    private readonly push: PushService,
    private readonly clock: Clock,
  ) {}

  /** The gateway asks, within its budget, what to answer WeChat: the claim is recorded on the way. */
  async replyNow(request: ReplyScanRequest): Promise<PassiveReply> {
    if (request.trigger === 'text') return this.composer.forText(request.openid, request.content);
    const scan = await this.claims.recordScan({
      eventId: request.eventId,
      openid: request.openid,
      scene: request.scene,
      newFollower: false,
      at: this.clock.date(),
    });
    return this.composer.forScan(scan);
  }

  /** The durable scan: claims (again, idempotently) and pushes the reply when the gateway could not. */
  async scanned(event: QrScanned, deliveries: number): Promise<void> {
    const scan = await this.claims.recordScan({ ...event, at: new Date(event.at) });
    if (!event.needsPush) return;
    // the scene's qr.issued may be moments behind: wait for it a little before saying "unknown QR code"
    if (scan.outcome === 'pending' && deliveries < PENDING_SCENE_TRIES)
      throw new SceneNotYetKnownError(event.scene);
    await this.push.push(event.eventId, event.openid, await this.composer.forScan(scan));
  }

  /** Any message: the user follows and is reachable for 48 h; a text asking for photos gets the gallery link. */
  async messageReceived(event: MessageReceived): Promise<void> {
    await this.customers.touch({
      openid: event.openid,
      at: new Date(event.at),
      subscribed: true,
      interaction: true,
    });
    if (!event.needsPush || event.msgType !== 'text' || !event.content) return;
    await this.push.push(
      event.eventId,
      event.openid,
      await this.composer.forText(event.openid, event.content),
    );
  }
}
