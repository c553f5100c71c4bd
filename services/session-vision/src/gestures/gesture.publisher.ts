import { Injectable } from '@nestjs/common';
import { MirrorSubjects, mirrorGesture } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import type { Command } from './gesture-gate';

/** Commands for the mirrors, on `mirror.<id>.gesture`. */
@Injectable()
export class GesturePublisher {
  constructor(private readonly nats: NatsClient) {}

  /** Core NATS: a late gesture is worthless, so it is never queued. */
  publish(mirrorId: string, sessionId: string, gesture: Command, confidence: number, at: number): void {
    this.nats.emit(mirrorGesture, MirrorSubjects.of('gesture', mirrorId), {
      sessionId,
      mirrorId,
      gesture,
      confidence: Math.round(confidence * 1000) / 1000,
      at: new Date(at).toISOString(),
    });
  }
}
