/** Everything binding says to customers (in WeChat) and on the mirror screen. */
export const Messages = {
  newsTitle: '您的试衣照片',
  newsDescription: (count: number, favourites = 0) =>
    count > 0
      ? `本次试衣共拍摄 ${count} 张照片${favourites > 0 ? `，收藏 ${favourites} 张` : ''}，点击查看并保存到您的相册。`
      : '试衣镜拍下的照片会出现在这里，点击查看。',
  claimedByOther:
    '抱歉，这个二维码已经被另一位顾客扫描，照片只发送给第一位扫码的顾客。请在试衣镜前重新开始试衣，获取您自己的二维码。',
  expired: '这个二维码已过期。请回到试衣镜前，扫描屏幕上新的二维码获取您的照片。',
  unknown: '没有找到这个二维码对应的试衣记录，请扫描试衣镜屏幕上显示的二维码。',
  /** A mirror's printed code scanned with no session of one's own to join. */
  mirrorWelcome:
    '欢迎光临！请站到试衣镜前开始试衣，镜子屏幕上会出现您专属的二维码，扫描它即可把试衣照片发送到这里。',
  galleryLink: (url: string) => `点击查看您的全部试衣照片：<a href="${url}">我的照片</a>`,
  noPhotos: '您还没有试衣照片。在试衣镜前扫描屏幕上的二维码，即可收到本次试衣的照片。',
  /** Shown on the mirror once a customer's scan claimed the session. */
  mirrorClaimed: '扫码成功！照片已发送到您的微信',
};

/** A text asking for one's photos ("照片", "相册", "photos"…). */
export function asksForPhotos(content: string): boolean {
  return /照片|相片|相册|photos?|gallery|album/i.test(content);
}
