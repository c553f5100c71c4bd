import { WeChatApiClient } from './api-client';
import { WeChatArgumentError, WeChatTransportError } from './errors';

/** `snsapi_base`: silent, openid only. `snsapi_userinfo`: asks consent, allows /sns/userinfo. */
export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

/** What /sns/oauth2/access_token returns. `accessToken` and `refreshToken` are secrets of the user. */
export interface OAuthGrant {
  openid: string;
  scope: string;
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  unionid: string | null;
  /** WeChat's "snapshot page" visitor (no real openid consent). */
  isSnapshotUser: boolean;
}

/** What /sns/userinfo returns. */
export interface WeChatUserInfo {
  openid: string;
  nickname: string;
  sex: number;
  province: string;
  city: string;
  country: string;
  headimgurl: string;
  privilege: string[];
  unionid: string | null;
}

const STATE = /^[A-Za-z0-9._~-]{0,128}$/;

/** WeChat web OAuth (网页授权): authorize URL, code → openid, user info. */
export class WeChatOAuth {
  constructor(private readonly client: WeChatApiClient) {}

  /** The authorize URL; parameters in WeChat's order, ending in `#wechat_redirect`. */
  authorizeUrl(options: { redirectUri: string; scope?: OAuthScope; state?: string }): string {
    const scope = options.scope ?? 'snsapi_base';
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
      throw new WeChatArgumentError('scope', 'must be snsapi_base or snsapi_userinfo');
    }
    let redirect: URL;
    try {
      redirect = new URL(options.redirectUri);
    } catch {
      throw new WeChatArgumentError('redirectUri', 'must be an absolute URL');
    }
    if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') {
      throw new WeChatArgumentError('redirectUri', 'must be http or https');
    }
    const state = options.state ?? '';
    if (!STATE.test(state)) {
      throw new WeChatArgumentError(
        'state',
        'must be at most 128 URL-safe characters (letters, digits, . _ ~ -)',
      );
    }
    // WeChat checks the parameter order; URLSearchParams would encode spaces as '+', which it rejects.
    return (
      `${this.client.openBase}/connect/oauth2/authorize?appid=${encodeURIComponent(this.client.appId)}` +
      `&redirect_uri=${encodeURIComponent(options.redirectUri)}&response_type=code&scope=${scope}` +
      `&state=${state}#wechat_redirect`
    );
  }

  /** Exchanges a one-time `code` for the user's openid (errors: 40029 unknown code, 40163 code reused). */
  async exchangeCode(code: string): Promise<OAuthGrant> {
    if (!code || code.length > 512) throw new WeChatArgumentError('code', 'must be 1 to 512 characters');
    const json = await this.client.request({
      method: 'GET',
      path: '/sns/oauth2/access_token',
      query: { code, grant_type: 'authorization_code' },
      withAppCredentials: true,
      secrets: [code],
    });
    const { openid, access_token: accessToken, refresh_token: refreshToken } = json;
    if (typeof openid !== 'string' || !openid || typeof accessToken !== 'string') {
      throw new WeChatTransportError(
        '/sns/oauth2/access_token',
        'bad-response',
        'no openid/access_token in the answer',
      );
    }
    return {
      openid,
      scope: typeof json.scope === 'string' ? json.scope : '',
      accessToken,
      refreshToken: typeof refreshToken === 'string' ? refreshToken : '',
      expiresInSeconds: Number(json.expires_in ?? 0),
      unionid: typeof json.unionid === 'string' ? json.unionid : null,
      isSnapshotUser: Number(json.is_snapshotuser ?? 0) === 1,
    };
  }

  /** The user's profile; needs a grant with scope snsapi_userinfo (48001 otherwise). */
  async userInfo(grant: Pick<OAuthGrant, 'accessToken' | 'openid'>, lang = 'zh_CN'): Promise<WeChatUserInfo> {
    const json = await this.client.request({
      method: 'GET',
      path: '/sns/userinfo',
      query: { access_token: grant.accessToken, openid: grant.openid, lang },
      secrets: [grant.accessToken],
    });
    if (typeof json.openid !== 'string') {
      throw new WeChatTransportError('/sns/userinfo', 'bad-response', 'no openid in the answer');
    }
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    return {
      openid: json.openid,
      nickname: text(json.nickname),
      sex: Number(json.sex ?? 0),
      province: text(json.province),
      city: text(json.city),
      country: text(json.country),
      headimgurl: text(json.headimgurl),
      privilege: Array.isArray(json.privilege)
        ? json.privilege.filter((p): p is string => typeof p === 'string')
        : [],
      unionid: typeof json.unionid === 'string' ? json.unionid : null,
    };
  }
}
