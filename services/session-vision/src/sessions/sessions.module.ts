import { Module } from '@nestjs/common';
import { FrameRateAdvisor } from './frame-rate.advisor';
import { MirrorStateRepository } from './mirror-state.repository';
import { MirrorOwnership } from './mirror.ownership';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionService } from './session.service';

/** Who owns each mirror (the Redis lease), and its sessions: presence → session.started / session.ended. */
@Module({
  providers: [
    MirrorStateRepository,
    SessionEventsPublisher,
    FrameRateAdvisor,
    SessionService,
    MirrorOwnership,
  ],
  exports: [SessionService, MirrorOwnership],
})
export class SessionsModule {}
