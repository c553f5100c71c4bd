import { Events, MirrorSubjects, mirrorGesture } from '@mirror/contracts';
import type { NatsClient } from '@mirror/nats';
import type { Command } from '../gestures/gesture-gate';
import type { PresenceEvent } from './presence-state-machine';

/** Everything session-vision says on NATS. */
export class SessionEventsPublisher {
  constructor(private readonly nats: NatsClient) {}

  /** session.started / session.ended on JetStream; the msgID makes a republish (outbox replay) a no-op. */
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

  /** A command for the mirror (core NATS: a late gesture is worthless, so it is never queued). */
  gesture(mirrorId: string, sessionId: string, gesture: Command, confidence: number, at: number): void {
    this.nats.emit(mirrorGesture, MirrorSubjects.of('gesture', mirrorId), {
      sessionId,
      mirrorId,
      gesture,
      confidence: Math.round(confidence * 1000) / 1000,
      at: new Date(at).toISOString(),
    });
  }

  /** Per-frame result for debugging and the latency bench (VISION_DEBUG_EVENTS). */
  debug(mirrorId: string, result: Record<string, unknown>): void {
    this.nats.publishRaw(`mirror.${mirrorId}.vision`, Buffer.from(JSON.stringify(result)));
  }
}
