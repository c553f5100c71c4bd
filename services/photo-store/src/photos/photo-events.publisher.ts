import { Injectable } from '@nestjs/common';
import { Events, type PhotoDeleted, type PhotoRejected, type PhotoStored } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';

/**
 * photo-store's durable events on the PHOTOS stream, each payload encoded (and checked) through its contract. Each carries a JetStream msgID derived from the photo
 * (or, for a rejection, from its place in PHOTOS_IN), so publishing again after a crash is a no-op for
 * consumers: the stream drops the copy within its duplicate window.
 */
@Injectable()
export class PhotoEventsPublisher {
  constructor(private readonly nats: NatsClient) {}

  async stored(event: PhotoStored): Promise<void> {
    await this.nats.publish(Events.photoStored, event, { msgID: event.photoId });
  }

  async rejected(event: PhotoRejected, streamSequence: number): Promise<void> {
    await this.nats.publish(Events.photoRejected, event, { msgID: `rejected:${streamSequence}` });
  }

  async deleted(event: PhotoDeleted): Promise<void> {
    await this.nats.publish(Events.photoDeleted, event, { msgID: `deleted:${event.photoId}` });
  }
}
