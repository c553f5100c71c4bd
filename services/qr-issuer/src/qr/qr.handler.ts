import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  Events,
  Requests,
  type QrIssueRequest,
  type QrIssueResponse,
  type SessionStarted,
} from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import { toRefusal } from './qr.refusal';
import { QrMetrics } from './qr.metrics';
import { QrService } from './qr.service';

/** qr-issuer on NATS: `session.started` (durable) and `qr.issue` (request/reply, one replica answers). */
@Controller()
export class QrHandler {
  constructor(
    private readonly qr: QrService,
    private readonly metrics: QrMetrics,
  ) {}

  // A failure (WeChat or Redis away) is retried with backoff; the stored scene/ticket keep retries idempotent.
  @EventPattern(Events.sessionStarted.subject, {
    durable: 'qr-issuer-session-started',
    concurrency: 8,
    maxDeliver: 20,
    backoffMs: [500, 2000, 5000, 15000, 30000, 60000],
  })
  async onSessionStarted(@Payload() event: SessionStarted): Promise<void> {
    await this.qr.issueForSession(event);
  }

  @MessagePattern(Requests.qrIssue.subject)
  async issue(@Payload() request: QrIssueRequest): Promise<QrIssueResponse> {
    try {
      return await this.qr.issue(request);
    } catch (error) {
      const refusal = toRefusal(error);
      if (refusal instanceof RefusalError) this.metrics.refused(refusal.code);
      throw refusal;
    }
  }
}
