import { Injectable } from '@nestjs/common';
import { Events, type SessionEnded, type SessionStarted } from '@mirror/contracts';
import { OnEvent } from '@mirror/nats';
import { SessionService } from './session.service';

/** Durable consumers of session-vision's events; each acks only after its commit. */
@Injectable()
export class SessionHandler {
  constructor(private readonly sessions: SessionService) {}

  @OnEvent(Events.sessionStarted, { durable: 'binding-session-started' })
  async started(event: SessionStarted): Promise<void> {
    await this.sessions.recordStarted(event);
  }

  @OnEvent(Events.sessionEnded, { durable: 'binding-session-ended' })
  async ended(event: SessionEnded): Promise<void> {
    await this.sessions.recordEnded(event);
  }
}
