import { WeChatApiClient } from './api-client';
import { Clock, systemClock } from './clock';
import { QrCodeLimitError, WeChatTransportError } from './errors';
import { AccessTokenProvider } from './token-provider';

/** WeChat's scene QR kinds: temporary or permanent, integer or string scene. */
export type QrCodeKind = 'QR_SCENE' | 'QR_STR_SCENE' | 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE';

export type QrCodeRequest =
  | { kind: 'QR_SCENE'; sceneId: number; expireSeconds: number }
  | { kind: 'QR_STR_SCENE'; sceneStr: string; expireSeconds: number }
  | { kind: 'QR_LIMIT_SCENE'; sceneId: number }
  | { kind: 'QR_LIMIT_STR_SCENE'; sceneStr: string };

/** WeChat's documented limits for /cgi-bin/qrcode/create. */
export const QR_LIMITS = {
  /** Temporary scene_id: a non-zero 32-bit (signed) integer. */
  temporarySceneIdMin: -2_147_483_648,
  temporarySceneIdMax: 2_147_483_647,
  /** Permanent scene_id: 1–100000. */
  permanentSceneIdMin: 1,
  permanentSceneIdMax: 100_000,
  /** scene_str: 1–64 characters. */
  sceneStrMaxLength: 64,
  /** expire_seconds: 1–2592000 (30 days). WeChat's default when omitted is far too short, so it is always sent. */
  expireSecondsMin: 1,
  expireSecondsMax: 2_592_000,
} as const;

/** The JSON body WeChat expects. */
export interface QrCodeCreateBody {
  action_name: QrCodeKind;
  expire_seconds?: number;
  action_info: { scene: { scene_id: number } | { scene_str: string } };
}

/** A created QR code. */
export interface QrCodeTicket {
  kind: QrCodeKind;
  ticket: string;
  /** What the QR image encodes; render it locally. */
  url: string;
  /** The showqrcode fallback URL (ticket URL-encoded). */
  showUrl: string;
  /** Temporary codes only. */
  expireSeconds: number | null;
  /** Epoch milliseconds; temporary codes only. */
  expiresAt: number | null;
}

/** Checks a request against WeChat's limits and builds the body; throws QrCodeLimitError (no call is made). */
export function qrCodeCreateBody(request: QrCodeRequest): QrCodeCreateBody {
  const kind = (request as { kind?: unknown }).kind;
  switch (kind) {
    case 'QR_SCENE': {
      const r = request as Extract<QrCodeRequest, { kind: 'QR_SCENE' }>;
      checkInteger('sceneId', r.sceneId, QR_LIMITS.temporarySceneIdMin, QR_LIMITS.temporarySceneIdMax);
      if (r.sceneId === 0) throw new QrCodeLimitError('sceneId', 'must not be 0 for a temporary QR code');
      return {
        action_name: kind,
        expire_seconds: expiry(r.expireSeconds),
        action_info: { scene: { scene_id: r.sceneId } },
      };
    }
    case 'QR_STR_SCENE': {
      const r = request as Extract<QrCodeRequest, { kind: 'QR_STR_SCENE' }>;
      return {
        action_name: kind,
        expire_seconds: expiry(r.expireSeconds),
        action_info: { scene: { scene_str: sceneStr(r.sceneStr) } },
      };
    }
    case 'QR_LIMIT_SCENE': {
      const r = request as Extract<QrCodeRequest, { kind: 'QR_LIMIT_SCENE' }>;
      checkInteger('sceneId', r.sceneId, QR_LIMITS.permanentSceneIdMin, QR_LIMITS.permanentSceneIdMax);
      rejectExpiry(request);
      return { action_name: kind, action_info: { scene: { scene_id: r.sceneId } } };
    }
    case 'QR_LIMIT_STR_SCENE': {
      const r = request as Extract<QrCodeRequest, { kind: 'QR_LIMIT_STR_SCENE' }>;
      rejectExpiry(request);
      return { action_name: kind, action_info: { scene: { scene_str: sceneStr(r.sceneStr) } } };
    }
    default:
      throw new QrCodeLimitError(
        'kind',
        'must be QR_SCENE, QR_STR_SCENE, QR_LIMIT_SCENE or QR_LIMIT_STR_SCENE',
      );
  }
}

function checkInteger(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new QrCodeLimitError(field, `must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
}

function expiry(value: unknown): number {
  checkInteger('expireSeconds', value, QR_LIMITS.expireSecondsMin, QR_LIMITS.expireSecondsMax);
  return value as number;
}

function rejectExpiry(request: QrCodeRequest): void {
  if ((request as { expireSeconds?: unknown }).expireSeconds !== undefined) {
    throw new QrCodeLimitError('expireSeconds', 'does not apply to a permanent QR code');
  }
}

function sceneStr(value: unknown): string {
  if (typeof value !== 'string') throw new QrCodeLimitError('sceneStr', 'must be a string');
  const length = [...value].length;
  if (length < 1 || length > QR_LIMITS.sceneStrMaxLength) {
    throw new QrCodeLimitError(
      'sceneStr',
      `must be 1 to ${QR_LIMITS.sceneStrMaxLength} characters, got ${length}`,
    );
  }
  return value;
}

/** The `showqrcode` URL for a ticket; the ticket is URL-encoded as WeChat requires. */
export function showQrCodeUrl(mpBase: string, ticket: string): string {
  return `${mpBase.replace(/\/+$/, '')}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
}

export interface QrCodeApiOptions {
  client: WeChatApiClient;
  tokens: AccessTokenProvider;
  clock?: Clock;
}

/** Creates scene QR codes of all four kinds, enforcing WeChat's limits before any call. */
export class QrCodeApi {
  private readonly clock: Clock;

  constructor(private readonly options: QrCodeApiOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** POST /cgi-bin/qrcode/create. Throws QrCodeLimitError before calling WeChat when a limit is broken. */
  async create(request: QrCodeRequest): Promise<QrCodeTicket> {
    const body = qrCodeCreateBody(request);
    const json = await this.options.tokens.withAccessToken((accessToken) =>
      this.options.client.request({ method: 'POST', path: '/cgi-bin/qrcode/create', accessToken, body }),
    );
    const { ticket, url } = json;
    if (typeof ticket !== 'string' || !ticket || typeof url !== 'string') {
      throw new WeChatTransportError('/cgi-bin/qrcode/create', 'bad-response', 'no ticket/url in the answer');
    }
    const temporary = body.expire_seconds !== undefined;
    const expireSeconds = temporary ? Number(json.expire_seconds ?? body.expire_seconds) : null;
    return {
      kind: body.action_name,
      ticket,
      url,
      showUrl: this.showUrl(ticket),
      expireSeconds,
      expiresAt: expireSeconds === null ? null : this.clock.now() + expireSeconds * 1000,
    };
  }

  /** The `showqrcode` URL for a ticket under the configured mp base. */
  showUrl(ticket: string): string {
    return showQrCodeUrl(this.options.client.mpBase, ticket);
  }
}
