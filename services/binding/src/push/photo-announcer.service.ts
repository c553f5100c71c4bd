import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { PassiveReply } from '@mirror/contracts';
import { Clock, LOGGER, MetricsService } from '@mirror/platform';
import { PhotoLinks } from '../shared/photo-links';
import { PushNotDeliveredError } from '../shared/errors';
import { PhotoAnnouncementRepository, type DueBurst } from './photo-announcement.repository';
import { PUSH_RULES } from './push-window';
import { PUSH_SETTINGS, type PushSettings } from './push.settings';
import { PushService, type PushOutcome } from './push.service';

/** Bursts announced per round; the rest wait for the next round. */
const BATCH = 100;
/** Tries of a message WeChat certainly did not get, and the pause before each retry. */
const RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 300_000];

export type AnnouncementOutcome = PushOutcome | 'retry' | 'gave-up';

/** The message announcing `count` photos taken after the scan. */
export function photosAnnouncement(count: number, page: string, picture: string): PassiveReply {
  return {
    type: 'news',
    articles: [
      {
        title: `又拍了 ${count} 张试衣照片`,
        description: `您在试衣镜前新拍了 ${count} 张照片，点击查看全部试衣照片。`,
        picUrl: picture,
        url: page,
      },
    ],
  };
}

/**
 * Photos taken after the scan: once a burst of them has settled (no new photo for the debounce time), the
 * claimer — nobody else — gets one customer-service news message naming how many, with the stable photo links.
 * Each burst is one push record (event id `photos:<session>:<newest photo>`), so it is sent at most once
 * whichever replica gets there; PushService keeps WeChat's 48-hour window and allowance. A message WeChat
 * certainly did not get is retried (counted); any other failure, quota errors (45009, 45047) included, is final.
 * Nothing is announced for a session whose photos the customer deleted.
 */
@Injectable()
export class PhotoAnnouncer {
  constructor(
    private readonly announcements: PhotoAnnouncementRepository,
    private readonly push: PushService,
    private readonly links: PhotoLinks,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(PUSH_SETTINGS) private readonly settings: PushSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Announces every burst that is due now; returns what became of each. */
  async announceDue(): Promise<AnnouncementOutcome[]> {
    const now = this.clock.now();
    const due = await this.announcements.due({
      now: new Date(now),
      claimedAfter: new Date(now - PUSH_RULES.windowMs),
      quietSince: new Date(now - this.settings.debounceMs),
      waitedSince: new Date(now - this.settings.maxWaitMs),
      limit: BATCH,
    });
    const outcomes: AnnouncementOutcome[] = [];
    for (const burst of due) outcomes.push(this.count(await this.announce(burst)));
    return outcomes;
  }

  private async announce(burst: DueBurst): Promise<AnnouncementOutcome> {
    const eventId = `photos:${burst.sessionId}:${burst.lastPhotoId}`;
    const message = photosAnnouncement(
      burst.count,
      this.links.page(burst.scene),
      this.links.picture(burst.scene),
    );
    try {
      const outcome = await this.push.push(eventId, burst.openid, message);
      await this.announcements.announced(burst.sessionId, burst.newestStoredAt, outcome, this.clock.date());
      return outcome;
    } catch (e) {
      if (!(e instanceof PushNotDeliveredError)) throw e;
      const attempts = burst.attempts + 1;
      if (attempts > RETRY_DELAYS_MS.length) {
        this.logger.warn({ err: e, sessionId: burst.sessionId }, 'photos not announced after every retry');
        await this.announcements.announced(
          burst.sessionId,
          burst.newestStoredAt,
          'gave-up',
          this.clock.date(),
        );
        return 'gave-up';
      }
      const retryAt = new Date(this.clock.now() + RETRY_DELAYS_MS[attempts - 1]);
      this.logger.info(
        { sessionId: burst.sessionId, attempts, retryAt },
        'photo announcement will be retried',
      );
      await this.announcements.retryLater(burst, attempts, retryAt, this.clock.date());
      return 'retry';
    }
  }

  private count(outcome: AnnouncementOutcome): AnnouncementOutcome {
    this.metrics
      .counter(
        'binding_photo_announcements_total',
        'Messages announcing photos taken after the scan, by outcome (retry: WeChat certainly did not get it)',
        ['outcome'],
      )
      .inc({ outcome });
    return outcome;
  }
}
