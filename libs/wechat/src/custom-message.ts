import { WeChatApiClient } from './api-client';
import { WeChatArgumentError } from './errors';
import { NewsArticle } from './passive-reply';
import { AccessTokenProvider } from './token-provider';

/** The customer-service message bodies this system sends. */
export type CustomMessage =
  | { touser: string; msgtype: 'text'; text: { content: string } }
  | {
      touser: string;
      msgtype: 'news';
      news: { articles: { title: string; description: string; url: string; picurl?: string }[] };
    };

/** Largest text WeChat accepts in a customer-service message, in bytes. */
export const MAX_CUSTOM_TEXT_BYTES = 2048;

/**
 * Customer-service messages (客服消息): allowed within 48 h of the user's last interaction (45015 outside)
 * and only a few right after a scan or follow (45047 beyond). Those errors are WeChatApiError, not retried.
 */
export class CustomMessageApi {
  constructor(
    private readonly client: WeChatApiClient,
    private readonly tokens: AccessTokenProvider,
  ) {}

  /** Sends a text message. */
  async sendText(openid: string, content: string): Promise<void> {
    checkOpenid(openid);
    if (!content) throw new WeChatArgumentError('content', 'must not be empty');
    if (Buffer.byteLength(content, 'utf8') > MAX_CUSTOM_TEXT_BYTES) {
      throw new WeChatArgumentError('content', `must be at most ${MAX_CUSTOM_TEXT_BYTES} bytes`);
    }
    await this.send({ touser: openid, msgtype: 'text', text: { content } });
  }

  /** Sends a news message (WeChat shows one article per customer-service news message). */
  async sendNews(openid: string, article: NewsArticle): Promise<void> {
    checkOpenid(openid);
    if (!article.title) throw new WeChatArgumentError('title', 'must not be empty');
    if (!/^https?:\/\//.test(article.url)) throw new WeChatArgumentError('url', 'must be an http(s) URL');
    await this.send({
      touser: openid,
      msgtype: 'news',
      news: {
        articles: [
          {
            title: article.title,
            description: article.description,
            url: article.url,
            picurl: article.picUrl,
          },
        ],
      },
    });
  }

  /** Sends any customer-service message body. */
  async send(message: CustomMessage): Promise<void> {
    await this.tokens.withAccessToken((accessToken) =>
      this.client.request({
        method: 'POST',
        path: '/cgi-bin/message/custom/send',
        accessToken,
        body: message,
      }),
    );
  }
}

function checkOpenid(openid: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(openid))
    throw new WeChatArgumentError('openid', 'is not a WeChat openid');
}
