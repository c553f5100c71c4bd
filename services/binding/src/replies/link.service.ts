import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LinkOpenCodes, ReplyCodes, type LinkOpenRequest } from '@mirror/contracts';
import { RefusalError, RequestRefusedError } from '@mirror/nats';
import { LOGGER, MetricsService } from '@mirror/platform';
import { StateExpiredError, StateForgedError } from '@mirror/web-auth';
import { PhotoRepository } from '../photos/photo.repository';
import { PhotoStoreUnavailableError } from '../shared/errors';
import { PhotoStoreClient } from '../shared/photo-store.client';
import { OAuthLinks } from '../oauth/oauth-links.service';
import { PhotoLinks } from '../shared/photo-links';
import { LinkRepository } from './link.repository';

/**
 * Opening a stable photo link: the page goes into WeChat's OAuth with a state minted now (so it has its full
 * 30 minutes), the picture to a signed thumbnail URL minted now (≤ 15 minutes). Who may confirm is still
 * decided at the OAuth callback: only the openid that claimed the session.
 */
@Injectable()
export class LinkService {
  constructor(
    private readonly links: PhotoLinks,
    private readonly oauthLinks: OAuthLinks,
    private readonly targets: LinkRepository,
    private readonly photos: PhotoRepository,
    private readonly photoStore: PhotoStoreClient,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where the browser goes now; RefusalError when the link is not ours, expired, or its photos are gone. */
  async open(request: Pick<LinkOpenRequest, 'link' | 'target'>): Promise<{ location: string }> {
    const scene = this.scene(request.link, request.target);
    const target = await this.targets.target(scene);
    if (!target) throw this.refuse(request.target, ReplyCodes.notFound, 'Nobody has claimed these photos.');
    if (target.withdrawn) {
      throw this.refuse(request.target, ReplyCodes.notFound, 'The photos of this visit were deleted.');
    }
    if (request.target === 'page') {
      this.count('page', 'opened');
      return { location: this.oauthLinks.forScene(scene) };
    }
    const { coverPhotoId } = await this.photos.sessionSummary(target.sessionId);
    if (!coverPhotoId) throw this.refuse('picture', ReplyCodes.notFound, 'This visit has no photos left.');
    try {
      const location = await this.photoStore.url(coverPhotoId, 'thumb');
      this.count('picture', 'opened');
      return { location };
    } catch (e) {
      if (e instanceof RequestRefusedError) {
        throw this.refuse('picture', ReplyCodes.notFound, 'photo-store no longer has this picture.');
      }
      if (e instanceof PhotoStoreUnavailableError) {
        throw this.refuse('picture', ReplyCodes.unavailable, 'The photo store is not answering; try again.');
      }
      throw e;
    }
  }

  private scene(link: string, target: LinkOpenRequest['target']): string {
    try {
      return this.links.scene(link);
    } catch (e) {
      if (e instanceof StateExpiredError) throw this.refuse(target, LinkOpenCodes.expired, e.message);
      if (e instanceof StateForgedError) {
        this.logger.warn({ target }, 'photo link with a bad signature refused');
        throw this.refuse(target, LinkOpenCodes.forged, e.message);
      }
      throw e;
    }
  }

  private refuse(target: string, code: string, message: string): RefusalError {
    this.count(target, code);
    return new RefusalError(code, message);
  }

  private count(target: string, outcome: string): void {
    this.metrics
      .counter('binding_photo_links_opened_total', 'Stable photo links opened, by target and outcome', [
        'target',
        'outcome',
      ])
      .inc({ target, outcome });
  }
}
