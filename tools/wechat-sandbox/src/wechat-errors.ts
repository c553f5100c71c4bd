import { randomBytes } from 'node:crypto';

/** The errcodes the sandbox answers with, and WeChat's own messages for them. */
export const WECHAT_ERRORS = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40008: 'invalid message type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40052: 'invalid action name',
  40053: 'invalid action info',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  43004: 'require subscribe',
  44002: 'empty post data',
  44004: 'empty content',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
  47001: 'data format error',
  48001: 'api unauthorized',
} as const;

export type WeChatErrcode = keyof typeof WECHAT_ERRORS;

/** Thrown inside a handler to answer `{errcode, errmsg}` like WeChat. */
export class WeChatFault extends Error {
  constructor(readonly errcode: number) {
    super(`errcode ${errcode}`);
  }
}

/** WeChat's error body, with the `rid` it appends to every message. */
export function errorBody(errcode: number): { errcode: number; errmsg: string } {
  const message = (WECHAT_ERRORS as Record<number, string>)[errcode] ?? 'error';
  return { errcode, errmsg: `${message} rid: ${randomBytes(6).toString('hex')}-${Date.now().toString(16)}` };
}
