import QRCode from 'qrcode';
import { CallLog, Endpoint } from './call-log';
import { jsonBody, SandboxRequest, SandboxResponse } from './http-kit';
import { CustomerRegistry } from './registries/customer-registry';
import { OAuthRegistry } from './registries/oauth-registry';
import { TicketRecord, TicketRegistry } from './registries/ticket-registry';
import { TokenRegistry } from './registries/token-registry';
import { errorBody, WeChatFault } from './wechat-errors';

/** A customer-service message the account sent. */
export interface SentMessage {
  openid: string;
  msgtype: string;
  content?: string;
  articles?: { title?: string; description?: string; url?: string; picurl?: string }[];
  at: number;
}

export interface ApiRouteDeps {
  appId: string;
  appSecret: string;
  calls: CallLog;
  tokens: TokenRegistry;
  tickets: TicketRegistry;
  customers: CustomerRegistry;
  oauth: OAuthRegistry;
  messages: SentMessage[];
  now: () => number;
  /** Who consents on the authorize page when the request does not say (see README). */
  browsingOpenid: () => string | null;
}

const TEMP_DEFAULT_EXPIRE = 30; // what WeChat uses when expire_seconds is omitted
const TEMP_MAX_EXPIRE = 2_592_000;

/** WeChat's HTTP API, faithful in paths, JSON shapes and errcodes. */
export class WeChatApiRoutes {
  private readonly routes: Record<
    string,
    (req: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse
  >;

  constructor(private readonly deps: ApiRouteDeps) {
    this.routes = {
      'GET /cgi-bin/token': (r) => this.token(r),
      'POST /cgi-bin/stable_token': (r) => this.stableToken(r),
      'POST /cgi-bin/qrcode/create': (r) => this.createQrCode(r),
      'GET /cgi-bin/showqrcode': (r) => this.showQrCode(r),
      'POST /cgi-bin/message/custom/send': (r) => this.sendCustomMessage(r),
      'GET /connect/oauth2/authorize': (r) => this.authorize(r),
      'GET /sns/oauth2/access_token': (r) => this.oauthAccessToken(r),
      'GET /sns/userinfo': (r) => this.userInfo(r),
    };
  }

  /** Answers a WeChat API request, or returns null when the path is not one. */
  async handle(req: SandboxRequest): Promise<SandboxResponse | null> {
    const route = this.routes[`${req.method} ${req.path}`];
    if (!route) return null;
    const endpoint = req.path as Endpoint;
    const { calls } = this.deps;
    const delay = calls.latency(endpoint);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let answer: SandboxResponse;
    let errcode = 0;
    try {
      const fault = calls.takeFault(endpoint);
      if (fault !== null) throw new WeChatFault(fault);
      if (!calls.takeQuota(endpoint)) throw new WeChatFault(45009);
      answer = await route(req);
    } catch (error) {
      if (!(error instanceof WeChatFault)) throw error;
      errcode = error.errcode;
      answer = { json: errorBody(errcode) };
    }
    calls.record(endpoint, errcode, answer.status ?? 200);
    return answer;
  }

  private checkApp(appid: string | null, secret: string | null): void {
    if (!appid) throw new WeChatFault(41002);
    if (appid !== this.deps.appId) throw new WeChatFault(40013);
    if (!secret) throw new WeChatFault(41004);
    if (secret !== this.deps.appSecret) throw new WeChatFault(40125);
  }

  private checkToken(req: SandboxRequest): void {
    const verdict = this.deps.tokens.verify(req.query.get('access_token'));
    if (verdict !== 0) throw new WeChatFault(verdict);
  }

  private body(req: SandboxRequest): Record<string, unknown> {
    if (!req.body) throw new WeChatFault(44002);
    const body = jsonBody(req);
    if (!body) throw new WeChatFault(47001);
    return body;
  }

  private token(req: SandboxRequest): SandboxResponse {
    if (req.query.get('grant_type') !== 'client_credential') throw new WeChatFault(40002);
    this.checkApp(req.query.get('appid'), req.query.get('secret'));
    const { token, expiresIn } = this.deps.tokens.issueClassic();
    return { json: { access_token: token, expires_in: expiresIn } };
  }

  private stableToken(req: SandboxRequest): SandboxResponse {
    const body = this.body(req);
    if (body.grant_type !== 'client_credential') throw new WeChatFault(40002);
    this.checkApp(str(body.appid), str(body.secret));
    const { token, expiresIn } = this.deps.tokens.issueStable(body.force_refresh === true);
    return { json: { access_token: token, expires_in: expiresIn } };
  }

  private createQrCode(req: SandboxRequest): SandboxResponse {
    this.checkToken(req);
    const body = this.body(req);
    const kind = body.action_name;
    const scene = (body.action_info as { scene?: Record<string, unknown> } | undefined)?.scene;
    if (
      kind !== 'QR_SCENE' &&
      kind !== 'QR_STR_SCENE' &&
      kind !== 'QR_LIMIT_SCENE' &&
      kind !== 'QR_LIMIT_STR_SCENE'
    ) {
      throw new WeChatFault(40052);
    }
    if (typeof scene !== 'object' || scene === null) throw new WeChatFault(40053);
    let sceneText: string;
    if (kind === 'QR_SCENE' || kind === 'QR_LIMIT_SCENE') {
      const id = scene.scene_id;
      const [min, max] = kind === 'QR_SCENE' ? [-(2 ** 31), 2 ** 31 - 1] : [1, 100_000];
      if (typeof id !== 'number' || !Number.isInteger(id) || id === 0 || id < min || id > max) {
        throw new WeChatFault(40053);
      }
      sceneText = String(id);
    } else {
      const value = scene.scene_str;
      if (typeof value !== 'string' || [...value].length < 1 || [...value].length > 64)
        throw new WeChatFault(40053);
      sceneText = value;
    }
    const temporary = kind === 'QR_SCENE' || kind === 'QR_STR_SCENE';
    let expireSeconds: number | null = null;
    if (temporary) {
      const requested = Number(body.expire_seconds);
      expireSeconds =
        Number.isFinite(requested) && requested >= 1
          ? Math.min(Math.floor(requested), TEMP_MAX_EXPIRE)
          : TEMP_DEFAULT_EXPIRE;
    }
    const record: TicketRecord = this.deps.tickets.create(kind, sceneText, expireSeconds);
    return {
      json: temporary
        ? { ticket: record.ticket, expire_seconds: expireSeconds, url: record.url }
        : { ticket: record.ticket, url: record.url },
    };
  }

  private async showQrCode(req: SandboxRequest): Promise<SandboxResponse> {
    // An unencoded ticket arrives with '+' turned into ' ' and is not found: WeChat behaves the same.
    const record = this.deps.tickets.find(req.query.get('ticket') ?? '');
    if (!record) return { status: 404, text: 'ticket not found' };
    const png = await QRCode.toBuffer(record.url, { type: 'png', margin: 2, width: 430 });
    return { bytes: png, contentType: 'image/png' };
  }

  private sendCustomMessage(req: SandboxRequest): SandboxResponse {
    this.checkToken(req);
    const body = this.body(req);
    const openid = str(body.touser);
    if (!openid) throw new WeChatFault(40003);
    const message: SentMessage = { openid, msgtype: String(body.msgtype), at: this.deps.now() };
    if (body.msgtype === 'text') {
      const content = str((body.text as { content?: unknown } | undefined)?.content);
      if (!content) throw new WeChatFault(44004);
      message.content = content;
    } else if (body.msgtype === 'news') {
      const articles = (body.news as { articles?: unknown } | undefined)?.articles;
      if (!Array.isArray(articles) || articles.length === 0) throw new WeChatFault(47001);
      if (articles.length > 1) throw new WeChatFault(45008);
      message.articles = articles as SentMessage['articles'];
    } else {
      throw new WeChatFault(40008);
    }
    const verdict = this.deps.customers.admitCustomerMessage(openid);
    if (verdict !== 0) throw new WeChatFault(verdict);
    this.deps.messages.push(message);
    return { json: { errcode: 0, errmsg: 'ok' } };
  }

  private authorize(req: SandboxRequest): SandboxResponse {
    const q = req.query;
    const page = (problem: string): SandboxResponse => ({
      status: 400,
      text: `<html><body><h1>授权出错</h1><p>${problem}</p></body></html>`,
      contentType: 'text/html; charset=utf-8',
    });
    if (q.get('appid') !== this.deps.appId) return page('appid 参数错误 (wrong appid)');
    if (q.get('response_type') !== 'code') return page('response_type 参数错误');
    const scope = q.get('scope');
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
      return page('Scope 参数错误或没有 Scope 权限');
    let redirect: URL;
    try {
      redirect = new URL(q.get('redirect_uri') ?? '');
      if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') throw new Error('scheme');
    } catch {
      return page('redirect_uri 参数错误');
    }
    const openid = q.get('sandbox_openid') ?? header(req, 'x-sandbox-openid') ?? this.deps.browsingOpenid();
    if (!openid) {
      return page('No customer is browsing: scan a QR code first or set one with POST /_sandbox/oauth-user');
    }
    this.deps.customers.ensure(openid);
    redirect.searchParams.set('code', this.deps.oauth.issueCode(openid, scope));
    redirect.searchParams.set('state', q.get('state') ?? '');
    return { status: 302, headers: { location: redirect.toString() }, text: '' };
  }

  private oauthAccessToken(req: SandboxRequest): SandboxResponse {
    const q = req.query;
    this.checkApp(q.get('appid'), q.get('secret'));
    if (q.get('grant_type') !== 'authorization_code') throw new WeChatFault(40002);
    const code = q.get('code');
    if (!code) throw new WeChatFault(41008);
    const result = this.deps.oauth.redeem(code);
    if ('errcode' in result) throw new WeChatFault(result.errcode);
    const { grant } = result;
    return {
      json: {
        access_token: grant.accessToken,
        expires_in: 7200,
        refresh_token: grant.refreshToken,
        openid: grant.openid,
        scope: grant.scope,
        is_snapshotuser: 0,
      },
    };
  }

  private userInfo(req: SandboxRequest): SandboxResponse {
    const grant = this.deps.oauth.grant(req.query.get('access_token') ?? '');
    if (grant === 40001 || grant === 42001) throw new WeChatFault(grant);
    if (grant.openid !== req.query.get('openid')) throw new WeChatFault(40003);
    if (grant.scope !== 'snsapi_userinfo') throw new WeChatFault(48001);
    return {
      json: {
        openid: grant.openid,
        nickname: `沙盒用户${grant.openid.slice(-4)}`,
        sex: 0,
        province: 'Shanghai',
        city: 'Shanghai',
        country: 'CN',
        headimgurl: 'https://thirdwx.qlogo.cn/mmopen/sandbox/132',
        privilege: [],
      },
    };
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function header(req: SandboxRequest, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value ? value : null;
}
