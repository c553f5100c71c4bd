import { Inject, Injectable } from '@nestjs/common';
import { WECHAT_API } from '@mirror/platform';
import type { NewsArticle, OAuthGrant, WeChatApi } from '@mirror/wechat';

/** binding's calls to WeChat's servers: the OAuth link and code exchange, customer-service messages. */
@Injectable()
export class WeChatRepository {
  constructor(@Inject(WECHAT_API) private readonly api: WeChatApi) {}

  /** The `snsapi_base` authorize URL that sends the customer to `redirectUri` with a code and `state`. */
  authorizeUrl(redirectUri: string, state: string): string {
    return this.api.oauth.authorizeUrl({ redirectUri, scope: 'snsapi_base', state });
  }

  /** code → openid (WeChatApiError 40163 reused, 40029 unknown or expired). */
  exchangeCode(code: string): Promise<OAuthGrant> {
    return this.api.oauth.exchangeCode(code);
  }

  sendNews(openid: string, article: NewsArticle): Promise<void> {
    return this.api.customMessages.sendNews(openid, article);
  }

  sendText(openid: string, content: string): Promise<void> {
    return this.api.customMessages.sendText(openid, content);
  }
}
