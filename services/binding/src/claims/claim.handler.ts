import { Injectable } from '@nestjs/common';
import { Events, type QrIssued } from '@mirror/contracts';
import { OnEvent } from '@mirror/nats';
import { ClaimService } from './claim.service';

/** Durable consumer of qr-issuer's `qr.issued`: the scene becomes known; acks only after its commit. */
@Injectable()
export class ClaimHandler {
  constructor(private readonly claims: ClaimService) {}

  @OnEvent(Events.qrIssued, { durable: 'binding-qr-issued' })
  async qrIssued(event: QrIssued): Promise<void> {
    await this.claims.recordQrIssued(event);
  }
}
