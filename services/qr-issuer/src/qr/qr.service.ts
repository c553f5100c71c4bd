import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  mirrorOfScene,
  sessionId as sessionIdSchema,
  type QrIssueRequest,
  type QrIssueResponse,
  type SessionStarted,
} from '@mirror/contracts';
import { Clock, LOGGER } from '@mirror/platform';
import { QrCodeLimitError, type QrCodeRequest, type QrCodeTicket } from '@mirror/wechat';
import { PermanentQrService } from './permanent-qr.service';
import { QrEventsPublisher } from './qr-events.publisher';
import { QrImageRenderer, type QrImageFormat } from './qr-image.renderer';
import { QrImageSigner, type QrImageGrant, type QrImageResource } from './qr-image.signer';
import { QrMetrics } from './qr.metrics';
import {
  MalformedQrPathError,
  QrImageRefusedError,
  SessionQrExpiredError,
  SessionQrNotFoundError,
} from './qr.errors';
import { QR_SETTINGS, type QrSettings } from './qr.settings';
import { SceneTokenGenerator } from './scene-token.generator';
import { SessionQrRepository, type SessionQr } from './session-qr.repository';
import { WeChatQrRepository } from './wechat-qr.repository';

/** A session's code as offered to mirror screens (no scene, no ticket beyond the showqrcode URL). */
export interface SessionQrView {
  sessionId: string;
  mirrorId: string;
  url: string;
  showUrl: string;
  expiresAt: string;
}

// Kept a little past expiry so a late redelivery still finds the ticket it already announced.
const KEEP_AFTER_EXPIRY_MS = 10 * 60 * 1000;

/** The rules of QR codes: one per session, idempotently; any kind on request, within WeChat's limits. */
@Injectable()
export class QrService {
  constructor(
    private readonly wechat: WeChatQrRepository,
    private readonly sessions: SessionQrRepository,
    private readonly publisher: QrEventsPublisher,
    private readonly scenes: SceneTokenGenerator,
    private readonly renderer: QrImageRenderer,
    private readonly signer: QrImageSigner,
    private readonly permanent: PermanentQrService,
    private readonly clock: Clock,
    private readonly metrics: QrMetrics,
    @Inject(QR_SETTINGS) private readonly settings: QrSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Issues the session's temporary string-scene code and announces it. A redelivery finds the stored
   * code and announces the same ticket again without calling WeChat. Replicas racing on one session
   * share the scene (stored first) and the ticket stored first wins, so only one is ever announced.
   */
  async issueForSession(event: SessionStarted): Promise<SessionQr> {
    const existing = await this.sessions.find(event.sessionId);
    if (existing) {
      this.metrics.sessionReplayed();
      await this.publisher.announce(existing);
      return existing;
    }
    const ttlMs = this.settings.expireSeconds * 1000 + KEEP_AFTER_EXPIRY_MS;
    const scene = await this.sessions.reserveScene(event.sessionId, this.scenes.next(), ttlMs);
    const ticket = await this.wechat.create({
      kind: 'QR_STR_SCENE',
      sceneStr: scene,
      expireSeconds: this.settings.expireSeconds,
    });
    this.metrics.ticketIssued('QR_STR_SCENE', 'session');
    const stored = await this.sessions.saveIfAbsent(
      {
        sessionId: event.sessionId,
        mirrorId: event.mirrorId,
        scene,
        ticket: ticket.ticket,
        url: ticket.url,
        expiresAt: ticket.expiresAt ?? this.clock.now() + this.settings.expireSeconds * 1000,
      },
      ttlMs,
    );
    if (stored.ticket !== ticket.ticket) {
      this.logger.info(
        { sessionId: event.sessionId },
        "another replica issued the session's code first; using its ticket",
      );
    }
    await this.publisher.announce(stored);
    return stored;
  }

  /**
   * `qr.issue`: any of the four kinds. Throws QrCodeLimitError (no WeChat call) for a request WeChat would
   * refuse. A permanent code is created once per scene and the same ticket answered ever after; a mirror's
   * (`m:<mirrorId>`) comes with signed links to it at print size when QR_IMAGE_BASE_URL is set.
   */
  async issue(request: QrIssueRequest): Promise<QrIssueResponse> {
    const wechatRequest = this.toWeChatRequest(request);
    if (wechatRequest.kind === 'QR_LIMIT_SCENE' || wechatRequest.kind === 'QR_LIMIT_STR_SCENE') {
      const ticket = await this.permanent.issueOnce(wechatRequest, 'request');
      const mirrorId =
        wechatRequest.kind === 'QR_LIMIT_STR_SCENE' ? mirrorOfScene(wechatRequest.sceneStr) : null;
      const images = mirrorId ? this.permanent.mirrorCodeLinks(mirrorId) : undefined;
      return { ...this.toResponse(request, ticket), ...(images ? { images } : {}) };
    }
    const ticket = await this.wechat.create(wechatRequest);
    this.metrics.ticketIssued(request.kind, 'request');
    return this.toResponse(request, ticket);
  }

  /** The session's code for a mirror screen, behind a signed link (`grant`) for `.json`. */
  async sessionQr(sessionId: string, grant: QrImageGrant): Promise<SessionQrView> {
    this.authorize(sessionId, 'json', grant);
    const qr = await this.liveSessionQr(sessionId);
    return {
      sessionId: qr.sessionId,
      mirrorId: qr.mirrorId,
      url: qr.url,
      showUrl: this.wechat.showUrl(qr.ticket),
      expiresAt: new Date(qr.expiresAt).toISOString(),
    };
  }

  /**
   * The session's QR image, rendered locally from its `url`, behind a signed link (`grant`).
   * `secondsLeft` is the shorter of the code's and the link's remaining lives.
   */
  async sessionImage(
    sessionId: string,
    format: QrImageFormat,
    grant: QrImageGrant,
  ): Promise<{ image: Buffer; secondsLeft: number }> {
    const linkExp = this.authorize(sessionId, format, grant);
    const qr = await this.liveSessionQr(sessionId);
    const image = await this.renderer.render(qr.url, format);
    this.metrics.imageServed(format);
    const now = this.clock.now();
    return { image, secondsLeft: Math.floor((Math.min(qr.expiresAt, linkExp * 1000) - now) / 1000) };
  }

  /**
   * The permission check, before any lookup: without a valid signed link the answer is 403 whether or not the
   * session exists, so the route tells nobody which sessions there are. Refusals are logged and counted.
   */
  private authorize(sessionId: string, format: QrImageResource, grant: QrImageGrant): number {
    if (!sessionIdSchema.safeParse(sessionId).success) throw new MalformedQrPathError(sessionId);
    try {
      return this.signer.verify(sessionId, format, grant);
    } catch (error) {
      if (error instanceof QrImageRefusedError) {
        this.metrics.imageRefused(error.reason);
        this.logger.warn({ sessionId, format, reason: error.reason }, 'QR image request refused');
      }
      throw error;
    }
  }

  private async liveSessionQr(sessionId: string): Promise<SessionQr> {
    const qr = await this.sessions.find(sessionId);
    if (!qr) throw new SessionQrNotFoundError(sessionId);
    if (qr.expiresAt <= this.clock.now()) throw new SessionQrExpiredError(sessionId, new Date(qr.expiresAt));
    return qr;
  }

  /** Maps the request onto WeChat's; a field of the other scene type is refused rather than ignored. */
  private toWeChatRequest(r: QrIssueRequest): QrCodeRequest {
    const expireSeconds = r.expireSeconds ?? this.settings.expireSeconds;
    switch (r.kind) {
      case 'QR_SCENE':
        notFor(r.kind, 'sceneStr', r.sceneStr, 'sceneId');
        return { kind: r.kind, sceneId: required(r.kind, 'sceneId', r.sceneId), expireSeconds };
      case 'QR_STR_SCENE':
        notFor(r.kind, 'sceneId', r.sceneId, 'sceneStr');
        return { kind: r.kind, sceneStr: required(r.kind, 'sceneStr', r.sceneStr), expireSeconds };
      case 'QR_LIMIT_SCENE':
        notFor(r.kind, 'sceneStr', r.sceneStr, 'sceneId');
        permanent(r);
        return { kind: r.kind, sceneId: required(r.kind, 'sceneId', r.sceneId) };
      case 'QR_LIMIT_STR_SCENE':
        notFor(r.kind, 'sceneId', r.sceneId, 'sceneStr');
        permanent(r);
        return { kind: r.kind, sceneStr: required(r.kind, 'sceneStr', r.sceneStr) };
    }
  }

  private toResponse(r: QrIssueRequest, t: QrCodeTicket): QrIssueResponse {
    return {
      kind: t.kind,
      ticket: t.ticket,
      url: t.url,
      showUrl: t.showUrl,
      ...(t.expiresAt !== null ? { expiresAt: new Date(t.expiresAt).toISOString() } : {}),
      ...(r.sceneId !== undefined ? { sceneId: r.sceneId } : {}),
      ...(r.sceneStr !== undefined ? { sceneStr: r.sceneStr } : {}),
    };
  }
}

function required<T>(kind: string, field: string, value: T | undefined): T {
  if (value === undefined) throw new QrCodeLimitError(field, `is required for ${kind}`);
  return value;
}

function notFor(kind: string, field: string, value: unknown, instead: string): void {
  if (value !== undefined) throw new QrCodeLimitError(field, `does not apply to ${kind}; send ${instead}`);
}

function permanent(r: QrIssueRequest): void {
  if (r.expireSeconds !== undefined) {
    throw new QrCodeLimitError('expireSeconds', `does not apply to ${r.kind}: permanent codes never expire`);
  }
}
