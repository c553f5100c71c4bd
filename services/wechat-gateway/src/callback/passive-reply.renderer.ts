import type { PassiveReply } from '@mirror/contracts';
import { buildNewsReply, buildTextReply, type CallbackMessage } from '@mirror/wechat';

/**
 * Renders binding's reply as WeChat passive-reply XML addressed back to the sender (CDATA escaping that
 * survives `]]>`); null for `none`, which the caller answers with `success`.
 */
export function renderPassiveReply(
  reply: PassiveReply,
  message: CallbackMessage,
  nowMs: number,
): string | null {
  const address = {
    toUser: message.openid,
    fromUser: message.toUserName,
    createTime: Math.floor(nowMs / 1000),
  };
  switch (reply.type) {
    case 'news':
      return buildNewsReply({
        ...address,
        articles: reply.articles.map((a) => ({
          title: a.title,
          description: a.description,
          picUrl: a.picUrl,
          url: a.url,
        })),
      });
    case 'text':
      return buildTextReply({ ...address, content: reply.content });
    case 'none':
      return null;
  }
}
