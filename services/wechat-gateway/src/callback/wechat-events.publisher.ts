import { Inject, Injectable } from '@nestjs/common';
import { NatsClient } from '@mirror/nats';
import { EventPublishFailedError } from './callback.errors';
import type { PlannedEvent } from './callback-plan';

const encoder = new TextEncoder();

/** Publishes the durable `wechat.*` events of a callback to JetStream, de-duplicated by msgID. */
@Injectable()
export class WeChatEventsPublisher {
  constructor(@Inject(NatsClient) private readonly nats: NatsClient) {}

  /**
   * Publishes every event and waits for JetStream's acks. Payloads were validated when the callback was
   * planned, so they are serialised as they are. A republish within the stream's duplicate window (a retry
   * that slipped past Redis) is acknowledged as a duplicate and stored once.
   */
  async publish(events: readonly PlannedEvent[], needsPush: boolean, timeoutMs: number): Promise<void> {
    await Promise.all(
      events.map(async (event) => {
        const payload = event.awaitsReply ? { ...event.payload, needsPush } : event.payload;
        try {
          await this.nats.publishBytes(event.contract.subject, encoder.encode(JSON.stringify(payload)), {
            msgID: event.msgID,
            timeoutMs,
          });
        } catch (e) {
          throw new EventPublishFailedError(event.contract.subject, e);
        }
      }),
    );
  }
}
