import { WeChatArgumentError } from './errors';
import { buildXml } from './xml';

/** The body that tells WeChat "received, no reply" (an empty body works too). */
export const SUCCESS_REPLY = 'success';

/** One article of a news (图文) message. */
export interface NewsArticle {
  title: string;
  description: string;
  picUrl?: string;
  url: string;
}

/** Addressing of a passive reply: it goes back to the sender, from the account that received it. */
export interface ReplyAddress {
  /** The customer's openid (the callback's FromUserName). */
  toUser: string;
  /** The account's original id (the callback's ToUserName). */
  fromUser: string;
  /** Seconds since the epoch; defaults to now. */
  createTime?: number;
}

/** WeChat shows at most 8 articles in a passive news reply (1 when answering a user's message). */
export const MAX_NEWS_ARTICLES = 8;

const seconds = (createTime?: number): number => createTime ?? Math.floor(Date.now() / 1000);

/** A passive text reply. */
export function buildTextReply(address: ReplyAddress & { content: string }): string {
  if (!address.content) throw new WeChatArgumentError('content', 'must not be empty');
  return buildXml({
    ToUserName: address.toUser,
    FromUserName: address.fromUser,
    CreateTime: seconds(address.createTime),
    MsgType: 'text',
    Content: address.content,
  });
}

/** A passive news reply with 1–8 articles. */
export function buildNewsReply(address: ReplyAddress & { articles: readonly NewsArticle[] }): string {
  const { articles } = address;
  if (articles.length < 1 || articles.length > MAX_NEWS_ARTICLES) {
    throw new WeChatArgumentError(
      'articles',
      `must hold 1 to ${MAX_NEWS_ARTICLES} articles, got ${articles.length}`,
    );
  }
  return buildXml({
    ToUserName: address.toUser,
    FromUserName: address.fromUser,
    CreateTime: seconds(address.createTime),
    MsgType: 'news',
    ArticleCount: articles.length,
    Articles: {
      item: articles.map((a) => ({
        Title: a.title,
        Description: a.description,
        PicUrl: a.picUrl ?? '',
        Url: a.url,
      })),
    },
  });
}
