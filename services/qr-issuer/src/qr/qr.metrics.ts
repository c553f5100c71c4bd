import { Injectable } from '@nestjs/common';
import { MetricsService } from '@mirror/platform';
import type { Counter } from 'prom-client';

export type IssueSource = 'session' | 'request' | 'mirror-code';

/** qr-issuer's own Prometheus metrics (the WeChat client's counters come with `wechatApiProvider` from @mirror/platform). */
@Injectable()
export class QrMetrics {
  private readonly issued: Counter;
  private readonly replayed: Counter;
  private readonly permanentReuses: Counter;
  private readonly refusals: Counter;
  private readonly images: Counter;
  private readonly imageRefusals: Counter;

  constructor(metrics: MetricsService) {
    this.issued = metrics.counter('qr_tickets_issued_total', 'QR tickets obtained from WeChat', [
      'kind',
      'source',
    ]);
    this.replayed = metrics.counter(
      'qr_session_replays_total',
      'session.started redeliveries answered with the stored ticket (no WeChat call)',
    );
    this.permanentReuses = metrics.counter(
      'qr_permanent_reuses_total',
      'permanent codes asked for again and answered with the stored ticket (no WeChat call), by kind',
      ['kind'],
    );
    this.refusals = metrics.counter('qr_issue_refusals_total', 'qr.issue requests refused, by code', [
      'code',
    ]);
    this.images = metrics.counter('qr_images_served_total', 'QR images served over HTTP', ['format']);
    this.imageRefusals = metrics.counter(
      'qr_image_refusals_total',
      'QR image requests refused for a missing, malformed, forged or expired signed link, by reason',
      ['reason'],
    );
  }

  ticketIssued(kind: string, source: IssueSource): void {
    this.issued.inc({ kind, source });
  }
  sessionReplayed(): void {
    this.replayed.inc();
  }
  permanentReused(kind: string): void {
    this.permanentReuses.inc({ kind });
  }
  refused(code: string): void {
    this.refusals.inc({ code });
  }
  imageServed(format: string): void {
    this.images.inc({ format });
  }
  imageRefused(reason: string): void {
    this.imageRefusals.inc({ reason });
  }
}
