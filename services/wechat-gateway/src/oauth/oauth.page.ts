import type { OAuthProblem } from './oauth.errors';

interface PageText {
  title: string;
  message: string;
}

// Nothing from the request is ever echoed: the pages are fixed text.
const TEXT: Record<OAuthProblem, PageText> = {
  'missing-parameters': {
    title: '链接不完整',
    message: '这个链接缺少必要的信息。请回到公众号，重新点开照片消息里的链接。',
  },
  'state-expired': {
    title: '链接已过期',
    message:
      '为了保护您的照片，领取链接只在短时间内有效。请回到试衣镜前重新扫描二维码，或在公众号里发送“照片”获取新的链接。',
  },
  'link-expired': {
    title: '链接已过期',
    message: '这个照片链接已超过有效期。请在公众号里发送“照片”获取新的链接，或回到试衣镜前重新扫描二维码。',
  },
  'state-forged': {
    title: '链接无效',
    message: '无法识别这个链接。请通过公众号发给您的消息打开照片页面。',
  },
  'state-reused': {
    title: '链接已使用',
    message: '这个领取链接已经使用过了。请在公众号里发送“照片”获取新的链接。',
  },
  'not-the-scanner': {
    title: '无法领取照片',
    message: '这些照片只能由在试衣镜前扫码的微信用户领取。如果是您本人扫的码，请用扫码的微信打开链接。',
  },
  'unknown-session': {
    title: '找不到试衣记录',
    message: '没有找到这次试衣的照片，可能已经过期或被删除。欢迎再次来到试衣镜前拍照。',
  },
  refused: {
    title: '领取失败',
    message: '这次授权没有成功，照片还没有领取。请回到公众号，重新点开照片消息里的链接。',
  },
  unavailable: {
    title: '服务繁忙',
    message: '服务暂时繁忙，照片还没有领取。请稍后重新点开链接，您的照片不会丢失。',
  },
};

/** A friendly Chinese page explaining why the customer is not signed in, for phones in WeChat's browser. */
export function renderOAuthProblem(problem: OAuthProblem): string {
  const { title, message } = TEXT[problem];
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer"><title>${title}</title>
<style>
  body { margin: 0; background: #f5f5f5; color: #222; font: 15px/1.6 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
  main { margin: 15vh 24px 0; background: #fff; border-radius: 8px; padding: 32px 24px; text-align: center; }
  h1 { margin: 0 0 12px; font-size: 20px; font-weight: 600; }
  p { margin: 0; color: #666; }
</style></head>
<body><main><h1>${title}</h1><p>${message}</p></main></body></html>`;
}
