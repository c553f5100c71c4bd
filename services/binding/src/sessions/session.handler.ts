import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type SessionEnded, type SessionStarted } from '@mirror/contracts';

import { SessionService } from './session.service';

/** Durable consumers of session-vision's events; each acks only after its commit. */
@Controller()
export class SessionHandler {
  constructor(private readonly sessions: SessionService) {}

  @EventPattern(Events.sessionStarted.subject, { durable: 'binding-session-started' })
  async started(@Payload() event: SessionStarted): Promise<void> {
    await this.sessions.recordStarted(event);
  }

  @EventPattern(Events.sessionEnded.subject, { durable: 'binding-session-ended' })
  async ended(@Payload() event: SessionEnded): Promise<void> {
    await this.sessions.recordEnded(event);
  }
}
