import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { QrIssued, SessionEnded, SessionStarted } from '@mirror/contracts';
import { LOGGER } from '@mirror/platform';
import { ClaimRepository } from '../claims/claim.repository';
import { ClaimService } from '../claims/claim.service';
import { PhotoRepository } from '../photos/photo.repository';
import { Clock } from '../shared/clock';
import { DisplayPublisher } from '../shared/display.publisher';
import { SessionRepository } from './session.repository';

/** Sessions and their QR codes as session-vision and qr-issuer report them, in whatever order they arrive. */
@Injectable()
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionRepository,
    private readonly photos: PhotoRepository,
    private readonly scenes: ClaimRepository,
    private readonly claims: ClaimService,
    private readonly display: DisplayPublisher,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Records the start; photos of the mirror that were waiting for it join it. */
  async recordStarted(event: SessionStarted): Promise<void> {
    const at = new Date(event.at);
    await this.dataSource.transaction(async (em) => {
      await this.sessions.touchMirror(em, event.mirrorId, at);
      await this.sessions.recordStarted(em, { sessionId: event.sessionId, mirrorId: event.mirrorId, at });
      await this.photos.attachByTime(em, event.mirrorId, at);
    });
  }

  /** Records the end (the session is kept for statistics) and sends the mirror back to idle. */
  async recordEnded(event: SessionEnded): Promise<void> {
    const at = new Date(event.at);
    const later = await this.dataSource.transaction(async (em) => {
      await this.sessions.touchMirror(em, event.mirrorId, at);
      await this.sessions.recordEnded(em, { ...event, at });
      // photos matched by time and taken after the end belong to no session (or a later one)
      await this.photos.attachByTime(em, event.mirrorId, at);
      return this.sessions.laterSessionStarted(em, event.mirrorId, event.sessionId);
    });
    // a late `session.ended` must not blank the screen of the visit that followed
    if (!later) this.idle(event.mirrorId, event.sessionId);
  }

  /** Records the session's QR code; scans that came before it are now evaluated (first scanner claims). */
  async recordQrIssued(event: QrIssued): Promise<void> {
    const claimed: { mirrorId: string; sessionId: string }[] = [];
    await this.dataSource.transaction(async (em) => {
      await this.scenes.lockScene(em, event.scene);
      await this.sessions.touchMirror(em, event.mirrorId, this.clock.now());
      await this.sessions.ensureSession(em, event.sessionId, event.mirrorId);
      await this.scenes.insertScene(em, {
        scene: event.scene,
        sessionId: event.sessionId,
        ticket: event.ticket,
        url: event.url,
        expiresAt: new Date(event.expiresAt),
      });
      await this.claims.resolvePending(em, event.scene, claimed);
    });
    this.claims.announce(claimed);
  }

  private idle(mirrorId: string, sessionId: string): void {
    try {
      this.display.idle(mirrorId, sessionId);
    } catch (e) {
      this.logger.warn({ err: e, mirrorId }, 'idle display not sent');
    }
  }
}
