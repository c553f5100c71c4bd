import { Injectable } from '@nestjs/common';
import { NatsClient } from '@mirror/nats';
import { EventPublishFailedError } from './callback.errors';
import { finalEvent, type PlannedEvent } from './callback-plan';

/** Publishes the durable `wechat.*` events of a callback to JetStream, de-duplicated by msgID. */
@Injectable()
export class WeChatEventsPublisher {
  constructor(private readonly nats: NatsClient) {}

  /**
   * Publishes every event with its final `needsPush` and waits for JetStream's acks. The bytes are the
   * event's whole final payload as its contract encoded (and validated) it; they were mostly encoded when
   * the callback was planned, so validation is not paid twice. A republish within the stream's duplicate
   * window (a retry that slipped past Redis) is acknowledged as a duplicate and stored once.
   */
  async publish(events: readonly PlannedEvent[], needsPush: boolean, timeoutMs: number): Promise<void> {
    await Promise.all(
      events.map(async (planned) => {
        try {
          const event = finalEvent(planned, needsPush);
          await this.nats.publishBytes(event.contract.subject, event.data, { msgID: event.msgID, timeoutMs });
        } catch (e) {
          throw new EventPublishFailedError(planned.contract.subject, e);
        }
      }),
    );
  }
}
