import { ReplyCodes } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import {
  QrCodeLimitError,
  TokenStoreUnavailableError,
  WeChatQuotaExceededError,
  WeChatTransportError,
} from '@mirror/wechat';
import { toRefusal } from '../../src/qr/qr.refusal';

describe(toRefusal.name, () => {
  it('turns a broken WeChat limit into INVALID_REQUEST naming the field', () => {
    const refusal = toRefusal(new QrCodeLimitError('sceneId', 'must not be 0 for a temporary QR code'));
    expect(refusal).toBeInstanceOf(RefusalError);
    expect(refusal).toMatchObject({ code: ReplyCodes.invalidRequest, field: 'sceneId' });
  });

  it.each([
    [
      'the daily quota',
      new WeChatQuotaExceededError('api freq out of limit', '/cgi-bin/qrcode/create'),
      /quota/,
    ],
    ['Redis', new TokenStoreUnavailableError('read', 'no answer within 1000 ms'), /Redis/],
    [
      'a WeChat timeout',
      new WeChatTransportError('/cgi-bin/qrcode/create', 'timeout', 'no answer'),
      /timeout/,
    ],
  ])('answers UNAVAILABLE with the reason when %s fails', (_, error, reason) => {
    const refusal = toRefusal(error);
    expect(refusal).toBeInstanceOf(RefusalError);
    expect(refusal).toMatchObject({ code: ReplyCodes.unavailable, message: expect.stringMatching(reason) });
  });

  it('leaves unexpected errors alone (they become INTERNAL without their message)', () => {
    const bug = new TypeError('x is undefined');
    expect(toRefusal(bug)).toBe(bug);
  });
});
