import { Injectable } from '@nestjs/common';
import { MirrorSubjects, mirrorVision, type PayloadInput } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';

/** The result of each handled frame on `mirror.<id>.vision` (VISION_DEBUG_EVENTS: debugging, latency bench). */
@Injectable()
export class VisionDebugPublisher {
  constructor(private readonly nats: NatsClient) {}

  publish(mirrorId: string, result: PayloadInput<typeof mirrorVision>): void {
    this.nats.emit(mirrorVision, MirrorSubjects.of('vision', mirrorId), result);
  }
}
