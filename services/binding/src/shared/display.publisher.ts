import { Injectable } from '@nestjs/common';
import { MirrorSubjects, mirrorDisplay } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';

/** What binding shows on a mirror's screen (core NATS: a missed display message is simply replaced by the next). */
@Injectable()
export class DisplayPublisher {
  constructor(private readonly nats: NatsClient) {}

  /** The session is over: back to the idle screen (the mirror ignores it if another session is showing). */
  idle(mirrorId: string, sessionId: string): void {
    this.nats.emit(mirrorDisplay, MirrorSubjects.of('display', mirrorId), { kind: 'idle', sessionId });
  }

  /** A short text over the mirror's screen (e.g. the session was claimed). */
  notice(mirrorId: string, sessionId: string, text: string): void {
    this.nats.emit(mirrorDisplay, MirrorSubjects.of('display', mirrorId), {
      kind: 'notice',
      sessionId,
      text,
    });
  }
}
