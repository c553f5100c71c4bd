import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type QrIssued } from '@mirror/contracts';

import { ClaimService } from './claim.service';

/** Durable consumer of qr-issuer's `qr.issued`: the scene becomes known; acks only after its commit. */
@Controller()
export class ClaimHandler {
  constructor(private readonly claims: ClaimService) {}

  @EventPattern(Events.qrIssued.subject, { durable: 'binding-qr-issued' })
  async qrIssued(@Payload() event: QrIssued): Promise<void> {
    await this.claims.recordQrIssued(event);
  }
}
