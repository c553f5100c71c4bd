import { Module } from '@nestjs/common';
import { SessionHandler } from './session.handler';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';

/** Mirrors and their sessions; photos and claims build on its repository. */
@Module({
  providers: [SessionRepository, SessionService],
  controllers: [SessionHandler],
  exports: [SessionRepository],
})
export class SessionsModule {}
