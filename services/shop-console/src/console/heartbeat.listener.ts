import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MirrorSubjects, decode, mirrorControl, mirrorStatus, type MirrorStatus } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { Clock } from '@mirror/platform';

interface Heard {
  at: number;
  inSession: boolean;
}

/**
 * Which mirrors send frames: session-vision tells every mirror whose frames it processes the frame rate it
 * needs (`mirror.<id>.control`, on every change and every FRAME_RATE_ADVICE_MS, 10 s by default), so the
 * last such message is when a frame was last seen, and its reason says whether a session is on. What each
 * mirror says of itself (`mirror.<id>.status`, every 30 s: its software version, its frame rate) is kept too.
 */
@Injectable()
export class HeartbeatListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly heard = new Map<string, Heard>();
  private readonly statuses = new Map<string, MirrorStatus & { at: number }>();
  private subscriptions: { unsubscribe(): void }[] = [];

  constructor(
    private readonly nats: NatsClient,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const status = this.nats.subscribe(MirrorSubjects.all('status'), (msg, subject) => {
      const mirrorId = MirrorSubjects.parse(subject)?.mirrorId;
      if (!mirrorId) return;
      try {
        this.statuses.set(mirrorId, { ...decode(mirrorStatus, msg.data), at: this.clock.now() });
      } catch {
        // not a message of the contract: ignored
      }
    });
    const control = this.nats.subscribe(MirrorSubjects.all('control'), (msg, subject) => {
      const mirrorId = MirrorSubjects.parse(subject)?.mirrorId;
      if (!mirrorId) return;
      try {
        const control = decode(mirrorControl, msg.data);
        if (control.kind !== 'frame-rate') return;
        this.heard.set(mirrorId, { at: this.clock.now(), inSession: control.reason === 'session' });
      } catch {
        // not a message of the contract: not a sign of life
      }
    });
    this.subscriptions = [status, control];
  }

  onApplicationShutdown(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  /** What the mirror last said of itself (version, frame rate), if since this replica started. */
  lastStatus(mirrorId: string): (MirrorStatus & { at: number }) | undefined {
    return this.statuses.get(mirrorId);
  }

  /** When session-vision last confirmed frames from the mirror (epoch ms), if since this replica started. */
  lastFrame(mirrorId: string): Heard | undefined {
    return this.heard.get(mirrorId);
  }
}
