import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { signOAuthState } from '@mirror/web-auth';
import { WeChatRepository } from '../wechat/wechat.repository';
import { OAUTH_SETTINGS, type OAuthSettings } from './oauth.settings';

/** The link a customer taps: WeChat's silent (`snsapi_base`) OAuth, back to the gateway with a signed `state`. */
@Injectable()
export class OAuthLinks {
  constructor(
    @Inject(OAUTH_SETTINGS) private readonly settings: OAuthSettings,
    private readonly wechat: WeChatRepository,
    private readonly clock: Clock,
  ) {}

  /** The authorize URL for the session behind `scene`; its state expires after OAUTH_STATE_TTL_SECONDS. */
  forScene(scene: string): string {
    const state = signOAuthState({
      scene,
      ttlSeconds: this.settings.stateTtlSeconds,
      secret: this.settings.stateSecret,
      now: this.clock.now(),
    });
    return this.wechat.authorizeUrl(this.settings.redirectUri, state);
  }
}
