import { Messages, asksForPhotos } from '../../src/shared/messages';

describe('asksForPhotos', () => {
  it.each(['照片', '我的照片呢', '相册', 'photos', 'Photo please', '看看相片'])('recognises "%s"', (text) => {
    expect(asksForPhotos(text)).toBe(true);
  });

  it.each(['你好', 'hello', '营业时间', ''])('ignores "%s"', (text) => {
    expect(asksForPhotos(text)).toBe(false);
  });
});

describe('Messages', () => {
  it('counts the photos in the news description', () => {
    expect(Messages.newsDescription(3)).toContain('3 张照片');
    expect(Messages.newsDescription(0)).not.toMatch(/\d/);
  });

  it('fits WeChat limits', () => {
    expect(Messages.newsTitle.length).toBeLessThanOrEqual(64);
    expect(Messages.mirrorClaimed.length).toBeLessThanOrEqual(200);
    for (const text of [Messages.claimedByOther, Messages.expired, Messages.unknown, Messages.noPhotos]) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    }
  });
});
