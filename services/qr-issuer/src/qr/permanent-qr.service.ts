import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { mirrorScene } from '@mirror/contracts';
import { Clock, LOGGER } from '@mirror/platform';
import { qrCodeCreateBody, type QrCodeRequest, type QrCodeTicket } from '@mirror/wechat';
import { PRINT_SIZE, QrImageRenderer, type QrImageFormat } from './qr-image.renderer';
import { QrImageSigner, type QrImageGrant } from './qr-image.signer';
import { QrMetrics, type IssueSource } from './qr.metrics';
import { MalformedMirrorCodePathError, QrImageRefusedError } from './qr.errors';
import { QR_SETTINGS, type QrSettings } from './qr.settings';
import { PermanentQrRepository, type PermanentQr } from './permanent-qr.repository';
import { WeChatQrRepository } from './wechat-qr.repository';

export type PermanentQrRequest = Extract<QrCodeRequest, { kind: 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE' }>;

/** Signed links to a mirror's code at print size. */
export interface MirrorCodeLinks {
  png: string;
  svg: string;
}

/**
 * Permanent codes: each scene's code is created at WeChat once and reused (WeChat's permanent codes are
 * limited in number and never expire), and a mirror's code (scene `m:<mirrorId>`) is served at print size
 * behind signed links like the session images.
 */
@Injectable()
export class PermanentQrService {
  constructor(
    private readonly wechat: WeChatQrRepository,
    private readonly codes: PermanentQrRepository,
    private readonly renderer: QrImageRenderer,
    private readonly signer: QrImageSigner,
    private readonly clock: Clock,
    private readonly metrics: QrMetrics,
    @Inject(QR_SETTINGS) private readonly settings: QrSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The scene's permanent code: the stored one when there is one (no WeChat call), else a new one from WeChat,
   * stored first-writer-wins so replicas racing on one scene all hand out the same ticket. WeChat's limits are
   * checked before anything else (QrCodeLimitError), so a bad request is refused even with Redis away.
   */
  async issueOnce(request: PermanentQrRequest, source: IssueSource): Promise<QrCodeTicket> {
    qrCodeCreateBody(request); // WeChat's limits first: a request it would refuse is refused before any lookup
    const scene = request.kind === 'QR_LIMIT_SCENE' ? String(request.sceneId) : request.sceneStr;
    const existing = await this.codes.find(request.kind, scene);
    if (existing) {
      this.metrics.permanentReused(request.kind);
      return this.ticketOf(existing);
    }
    const ticket = await this.wechat.create(request);
    this.metrics.ticketIssued(request.kind, source);
    const stored = await this.codes.saveIfAbsent({
      kind: request.kind,
      scene,
      ticket: ticket.ticket,
      url: ticket.url,
      issuedAt: this.clock.now(),
    });
    if (stored.ticket !== ticket.ticket) {
      this.logger.info(
        { kind: request.kind, scene },
        'another replica stored this permanent code first; using it',
      );
    }
    return this.ticketOf(stored);
  }

  /** Signed PNG and SVG links to the mirror's code, when this service knows its base URL; else undefined. */
  mirrorCodeLinks(mirrorId: string): MirrorCodeLinks | undefined {
    const base = this.settings.imageBaseUrl;
    if (!base || !this.settings.imageSigningSecret || mirrorScene(mirrorId) === null) return undefined;
    return {
      png: this.signer.signedMirrorCodeUrl(base, mirrorId, 'png'),
      svg: this.signer.signedMirrorCodeUrl(base, mirrorId, 'svg'),
    };
  }

  /**
   * The mirror's permanent code as an image for print, behind a signed link checked before anything else;
   * issued (once) if it was not yet. PNG `sizePx` pixels wide, SVG drawn at that size.
   */
  async mirrorCodeImage(
    mirrorId: string,
    format: QrImageFormat,
    grant: QrImageGrant,
    sizePx: number = PRINT_SIZE.default,
  ): Promise<Buffer> {
    const scene = mirrorScene(mirrorId);
    if (scene === null) throw new MalformedMirrorCodePathError(`${mirrorId}.${format}`);
    try {
      this.signer.verifyMirrorCode(mirrorId, format, grant);
    } catch (error) {
      if (error instanceof QrImageRefusedError) {
        this.metrics.imageRefused(error.reason);
        this.logger.warn({ mirrorId, format, reason: error.reason }, 'mirror code image request refused');
      }
      throw error;
    }
    const ticket = await this.issueOnce({ kind: 'QR_LIMIT_STR_SCENE', sceneStr: scene }, 'mirror-code');
    const image = await this.renderer.renderForPrint(ticket.url, format, sizePx);
    this.metrics.imageServed(`mirror-${format}`);
    return image;
  }

  private ticketOf(code: PermanentQr): QrCodeTicket {
    return {
      kind: code.kind,
      ticket: code.ticket,
      url: code.url,
      showUrl: this.wechat.showUrl(code.ticket),
      expireSeconds: null,
      expiresAt: null,
    };
  }
}
