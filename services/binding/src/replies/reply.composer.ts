import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { PassiveReply } from '@mirror/contracts';
import { LOGGER } from '@mirror/platform';
import { ClaimRepository } from '../claims/claim.repository';
import type { ScanResult } from '../claims/claim.service';
import { OAuthLinks } from '../oauth/oauth-links.service';
import { PhotoRepository } from '../photos/photo.repository';
import { Messages, asksForPhotos } from '../shared/messages';
import { PhotoStoreClient } from '../shared/photo-store.client';
import { REPLIES_SETTINGS, type RepliesSettings } from './replies.settings';

/**
 * What binding says to a customer after a scan or a text: the same content whether it travels as the
 * gateway's passive reply or as a customer-service message pushed later.
 */
@Injectable()
export class ReplyComposer {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly claims: ClaimRepository,
    private readonly photoStore: PhotoStoreClient,
    private readonly links: OAuthLinks,
    @Inject(REPLIES_SETTINGS) private readonly settings: RepliesSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The claimer gets the photos (news with the OAuth link); anyone else a text saying why not. */
  async forScan(scan: ScanResult): Promise<PassiveReply> {
    switch (scan.outcome) {
      case 'claimed':
      case 'own':
        return this.photosNews(scan.sessionId!, scan.scene);
      case 'other':
        return { type: 'text', content: Messages.claimedByOther };
      case 'expired':
        return { type: 'text', content: Messages.expired };
      case 'welcome':
        return { type: 'text', content: Messages.mirrorWelcome };
      default:
        return { type: 'text', content: Messages.unknown };
    }
  }

  /** "照片" → the gallery link (through the session last bound to this customer); other texts → nothing. */
  async forText(openid: string, content: string): Promise<PassiveReply> {
    if (!asksForPhotos(content)) return { type: 'none' };
    const latest = await this.claims.latestBinding(openid);
    if (!latest) return { type: 'text', content: Messages.noPhotos };
    return { type: 'text', content: Messages.galleryLink(this.links.forScene(latest.scene)) };
  }

  private async photosNews(sessionId: string, scene: string): Promise<PassiveReply> {
    const summary = await this.photos.sessionSummary(sessionId);
    // the favourite look leads, else the newest
    const picUrl = summary.coverPhotoId ? await this.thumbnail(summary.coverPhotoId) : undefined;
    return {
      type: 'news',
      articles: [
        {
          title: Messages.newsTitle,
          description: Messages.newsDescription(summary.count, summary.favourites),
          ...(picUrl ? { picUrl } : {}),
          url: this.links.forScene(scene),
        },
      ],
    };
  }

  /** The reply is due within the gateway's budget: without photo-store's answer in time, no picture. */
  private async thumbnail(photoId: string): Promise<string | undefined> {
    try {
      return await this.photoStore.url(photoId, 'thumb', this.settings.thumbnailTimeoutMs);
    } catch (e) {
      this.logger.warn({ err: e, photoId }, 'no thumbnail URL in time; replying without a picture');
      return undefined;
    }
  }
}
