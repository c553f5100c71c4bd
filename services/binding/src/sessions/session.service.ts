import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SessionEnded, SessionStarted } from '@mirror/contracts';
import { LOGGER } from '@mirror/platform';
import { UnitOfWork } from '../database/unit-of-work';
import { DisplayPublisher } from '../shared/display.publisher';
import { SessionRepository } from './session.repository';

/** Sessions as session-vision reports them, in whatever order the events arrive. */
@Injectable()
export class SessionService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionRepository,
    private readonly display: DisplayPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Records the start; photos of the mirror that were waiting for it join it. */
  async recordStarted(event: SessionStarted): Promise<void> {
    const at = new Date(event.at);
    await this.uow.transaction(async () => {
      await this.sessions.touchMirror(event.mirrorId, at);
      await this.sessions.recordStarted({ sessionId: event.sessionId, mirrorId: event.mirrorId, at });
      await this.sessions.attachPhotosByTime(event.mirrorId, at);
    });
  }

  /** Records the end (the session is kept for statistics) and sends the mirror back to idle. */
  async recordEnded(event: SessionEnded): Promise<void> {
    const at = new Date(event.at);
    const later = await this.uow.transaction(async () => {
      await this.sessions.touchMirror(event.mirrorId, at);
      await this.sessions.recordEnded({ ...event, at });
      // photos matched by time and taken after the end belong to no session (or a later one)
      await this.sessions.attachPhotosByTime(event.mirrorId, at);
      return this.sessions.laterSessionStarted(event.mirrorId, event.sessionId);
    });
    // a late `session.ended` must not blank the screen of the visit that followed
    if (!later) this.idle(event.mirrorId, event.sessionId);
  }

  private idle(mirrorId: string, sessionId: string): void {
    try {
      this.display.idle(mirrorId, sessionId);
    } catch (e) {
      this.logger.warn({ err: e, mirrorId }, 'idle display not sent');
    }
  }
}
