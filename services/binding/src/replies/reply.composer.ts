import { Injectable } from '@nestjs/common';
import type { PassiveReply } from '@mirror/contracts';
import { ClaimRepository } from '../claims/claim.repository';
import type { ScanResult } from '../claims/claim.service';
import { PhotoLinks } from '../shared/photo-links';
import { PhotoRepository } from '../photos/photo.repository';
import { Messages, asksForPhotos } from '../shared/messages';

/**
 * What binding says to a customer after a scan or a text: the same content whether it travels as the
 * gateway's passive reply or as a customer-service message pushed later.
 */
@Injectable()
export class ReplyComposer {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly claims: ClaimRepository,
    private readonly links: PhotoLinks,
  ) {}

  /** The claimer gets the photos (news with the stable photo link); anyone else a text saying why not. */
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
    return { type: 'text', content: Messages.galleryLink(this.links.page(latest.scene)) };
  }

  private async photosNews(sessionId: string, scene: string): Promise<PassiveReply> {
    const summary = await this.photos.sessionSummary(sessionId);
    // stable links: opened later they mint a fresh OAuth state, and a fresh URL of the cover (the favourite
    // look, else the newest) — the reply never waits for photo-store
    const picUrl = summary.coverPhotoId ? this.links.picture(scene) : undefined;
    return {
      type: 'news',
      articles: [
        {
          title: Messages.newsTitle,
          description: Messages.newsDescription(summary.count, summary.favourites),
          ...(picUrl ? { picUrl } : {}),
          url: this.links.page(scene),
        },
      ],
    };
  }
}
