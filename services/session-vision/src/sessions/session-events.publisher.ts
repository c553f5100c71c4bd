import { Injectable } from '@nestjs/common';
import { Events } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import type { PresenceEvent } from './presence-state-machine';

/** session.started / session.ended on JetStream (stream SESSIONS). */
@Injectable()
export class SessionEventsPublisher {
  constructor(private readonly nats: NatsClient) {}

  /** The msgID makes a republish (outbox replay after a crash or a hand-over) a no-op. */
  async publish(event: PresenceEvent): Promise<void> {
    const at = new Date(event.at).toISOString();
    if (event.type === 'started') {
      await this.nats.publish(
        Events.sessionStarted,
        { sessionId: event.sessionId, mirrorId: event.mirrorId, at },
        { msgID: `${event.sessionId}.started` },
      );
    } else {
      await this.nats.publish(
        Events.sessionEnded,
        { sessionId: event.sessionId, mirrorId: event.mirrorId, at, reason: event.reason },
        { msgID: `${event.sessionId}.ended` },
      );
    }
  }
}
