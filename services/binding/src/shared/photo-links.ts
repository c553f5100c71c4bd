import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { signOAuthState, verifyOAuthState } from '@mirror/web-auth';
import { PHOTO_LINK_SETTINGS, type PhotoLinkSettings } from './photo-links.settings';

/**
 * The stable, signed links binding puts in replies and pushed messages: `/link/<link>` (the photo page) and
 * `/link/<link>/picture` (the news picture) on the gateway. They last PHOTO_LINK_TTL_SECONDS; each open
 * mints what is short-lived (an OAuth state, a signed thumbnail URL), so a chat opened the next day still works.
 * The link is the OAuth state's format under its own secret: it names the session's scene and its expiry.
 */
@Injectable()
export class PhotoLinks {
  constructor(
    @Inject(PHOTO_LINK_SETTINGS) private readonly settings: PhotoLinkSettings,
    private readonly clock: Clock,
  ) {}

  /** The photo page of the session behind `scene`. */
  page(scene: string): string {
    return `${this.settings.publicBaseUrl}/link/${this.sign(scene)}`;
  }

  /** The session's news picture (its cover: the favourite look, else the newest). */
  picture(scene: string): string {
    return `${this.settings.publicBaseUrl}/link/${this.sign(scene)}/picture`;
  }

  /** The scene a genuine, unexpired link names; StateForgedError or StateExpiredError otherwise. */
  scene(link: string): string {
    return verifyOAuthState(link, this.settings.secret, this.clock.now()).scene;
  }

  private sign(scene: string): string {
    return signOAuthState({
      scene,
      ttlSeconds: this.settings.ttlSeconds,
      secret: this.settings.secret,
      now: this.clock.now(),
    });
  }
}
