import { Injectable } from '@nestjs/common';
import { MirrorSubjects, mirrorControl, mirrorLooks, type LooksState } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';

/** What binding tells a mirror about looks (core NATS: a lost state message is replaced by the next). */
@Injectable()
export class LooksPublisher {
  constructor(private readonly nats: NatsClient) {}

  /** The whole screen state; the mirror renders the newest version. */
  state(state: LooksState): void {
    this.nats.emit(mirrorLooks, MirrorSubjects.of('looks', state.mirrorId), state);
  }

  /** Shoot `photoId` at `shootAt`: the mirror takes a photo id once, whatever the repeats. */
  takePhoto(mirrorId: string, sessionId: string, photoId: string, shootAt: number): void {
    this.nats.emit(mirrorControl, MirrorSubjects.of('control', mirrorId), {
      kind: 'take-photo',
      sessionId,
      photoId,
      shootAt: new Date(shootAt).toISOString(),
    });
  }
}
