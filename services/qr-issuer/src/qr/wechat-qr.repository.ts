import { Inject, Injectable } from '@nestjs/common';
import { WECHAT_API } from '@mirror/platform';
import type { QrCodeRequest, QrCodeTicket, WeChatApi } from '@mirror/wechat';

/** WeChat's qrcode API: limits checked before any call, the shared access_token, typed errors. */
@Injectable()
export class WeChatQrRepository {
  constructor(@Inject(WECHAT_API) private readonly api: WeChatApi) {}

  /** POST /cgi-bin/qrcode/create; throws QrCodeLimitError without calling WeChat when a limit is broken. */
  create(request: QrCodeRequest): Promise<QrCodeTicket> {
    return this.api.qrCodes.create(request);
  }

  /** The showqrcode fallback URL, ticket URL-encoded. */
  showUrl(ticket: string): string {
    return this.api.qrCodes.showUrl(ticket);
  }
}
