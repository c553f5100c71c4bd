import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@mirror/platform';
import { signOAuthState } from '@mirror/web-auth';
import type { AppConfig } from '../config';
import { Clock } from '../shared/clock';
import { WeChatRepository } from '../wechat/wechat.repository';

/** The link a customer taps: WeChat's silent (`snsapi_base`) OAuth, back to the gateway with a signed `state`. */
@Injectable()
export class OAuthLinks {
  private readonly redirectUri: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly wechat: WeChatRepository,
    private readonly clock: Clock,
  ) {
    this.redirectUri = `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/oauth/callback`;
  }

  /** The authorize URL for the session behind `scene`; its state expires after OAUTH_STATE_TTL_SECONDS. */
  forScene(scene: string): string {
    const state = signOAuthState({
      scene,
      ttlSeconds: this.config.OAUTH_STATE_TTL_SECONDS,
      secret: this.config.OAUTH_STATE_SECRET,
      now: this.clock.now(),
    });
    return this.wechat.authorizeUrl(this.redirectUri, state);
  }
}
