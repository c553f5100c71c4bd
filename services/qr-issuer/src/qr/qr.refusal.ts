import { ReplyCodes } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import {
  TokenRefreshTimeoutError,
  TokenStoreUnavailableError,
  WeChatApiError,
  WeChatArgumentError,
  WeChatTransportError,
} from '@mirror/wechat';
import { QrStoreUnavailableError } from './qr.errors';

/**
 * What a `qr.issue` caller is told. A request WeChat would refuse → INVALID_REQUEST naming the field;
 * WeChat, its quota, the shared token cache or the store of permanent codes unavailable → UNAVAILABLE with
 * the reason (these
 * messages never carry the AppSecret or the token). Anything else stays an INTERNAL error.
 */
export function toRefusal(error: unknown): unknown {
  if (error instanceof WeChatArgumentError) {
    return new RefusalError(ReplyCodes.invalidRequest, error.message, error.field);
  }
  if (
    error instanceof WeChatApiError ||
    error instanceof WeChatTransportError ||
    error instanceof TokenStoreUnavailableError ||
    error instanceof TokenRefreshTimeoutError ||
    error instanceof QrStoreUnavailableError
  ) {
    return new RefusalError(ReplyCodes.unavailable, error.message);
  }
  return error;
}
