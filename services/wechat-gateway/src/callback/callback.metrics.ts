import { Injectable } from '@nestjs/common';
import { MetricsService } from '@mirror/platform';
import type { Counter, Histogram } from 'prom-client';
import type { RejectionReason } from './callback.errors';

/** Outcome of one request to /wechat. */
export type CallbackOutcome = 'verified' | 'accepted' | 'duplicate' | 'rejected' | 'failed';
/** Where the body of an answer came from. */
export type ReplySource =
  'passive' | 'success' | 'stored' | 'timeout' | 'no-responders' | 'refused' | 'error' | 'no-time' | 'none';

/** Prometheus metrics of the callback URL. */
@Injectable()
export class CallbackMetrics {
  private readonly requests: Counter;
  private readonly rejections: Counter;
  private readonly replies: Counter;
  private readonly published: Counter;
  private readonly degraded: Counter;
  private readonly seconds: Histogram;

  constructor(metrics: MetricsService) {
    this.requests = metrics.counter(
      'wechat_callback_requests_total',
      'Requests to /wechat, by method and outcome',
      ['method', 'outcome'],
    );
    this.rejections = metrics.counter(
      'wechat_callback_rejections_total',
      'Callbacks refused with a 4xx, by reason (nothing was published)',
      ['reason'],
    );
    this.replies = metrics.counter(
      'wechat_callback_replies_total',
      'Answers to accepted callbacks, by source',
      ['source'],
    );
    this.published = metrics.counter('wechat_events_published_total', 'Durable wechat.* events published', [
      'subject',
    ]);
    this.degraded = metrics.counter(
      'wechat_guard_degraded_total',
      'Callbacks handled without the Redis replay/de-duplication store (JetStream msgID still de-duplicates)',
      ['operation'],
    );
    this.seconds = metrics.histogram(
      'wechat_callback_seconds',
      'Time to answer /wechat',
      ['method', 'outcome'],
      [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5],
    );
  }

  request(method: string, outcome: CallbackOutcome, seconds: number): void {
    this.requests.inc({ method, outcome });
    this.seconds.observe({ method, outcome }, seconds);
  }

  rejected(reason: RejectionReason): void {
    this.rejections.inc({ reason });
  }

  replied(source: ReplySource): void {
    this.replies.inc({ source });
  }

  publishedEvent(subject: string): void {
    this.published.inc({ subject });
  }

  guardDegraded(operation: string): void {
    this.degraded.inc({ operation });
  }
}
