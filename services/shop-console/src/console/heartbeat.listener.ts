import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MirrorSubjects, decode, mirrorControl } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { Clock } from '@mirror/platform';

interface Heard {
  at: number;
  inSession: boolean;
}

/**
 * Which mirrors send frames: session-vision tells every mirror whose frames it processes the frame rate it
 * needs (`mirror.<id>.control`, on every change and every FRAME_RATE_ADVICE_MS, 10 s by default), so the
 * last such message is when a frame was last seen, and its reason says whether a session is on.
 */
@Injectable()
export class HeartbeatListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly heard = new Map<string, Heard>();
  private subscription?: { unsubscribe(): void };

  constructor(
    private readonly nats: NatsClient,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.subscribe(MirrorSubjects.all('control'), (msg, subject) => {
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
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /** When session-vision last confirmed frames from the mirror (epoch ms), if since this replica started. */
  lastFrame(mirrorId: string): Heard | undefined {
    return this.heard.get(mirrorId);
  }
}
