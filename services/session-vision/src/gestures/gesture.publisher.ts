import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Events, MirrorSubjects, mirrorGesture } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { LOGGER } from '@mirror/platform';
import type { Command } from './gesture-gate';

/**
 * Commands out: on `mirror.<id>.gesture` for the mirror to flash (core NATS: a late label is worthless),
 * and as the durable event `gesture.recognised` for binding's looks, which change the mirror's state on it.
 */
@Injectable()
export class GesturePublisher {
  constructor(
    private readonly nats: NatsClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `at` is the capture time of the frame the gesture completed in; with the session it names the command. */
  publish(mirrorId: string, sessionId: string, gesture: Command, confidence: number, at: number): void {
    const rounded = Math.round(confidence * 1000) / 1000;
    const iso = new Date(at).toISOString();
    this.nats.emit(mirrorGesture, MirrorSubjects.of('gesture', mirrorId), {
      sessionId,
      mirrorId,
      gesture,
      confidence: rounded,
      at: iso,
    });
    const commandId = `${sessionId}-${at}`;
    // not awaited: the frame pipeline never waits for the bus; a publish that fails is logged, and the
    // customer repeats the gesture (a late command would surprise more than a lost one)
    this.nats
      .publish(
        Events.gestureRecognised,
        { commandId, sessionId, mirrorId, gesture, confidence: rounded, at: iso },
        { msgID: commandId },
      )
      .catch((e: unknown) =>
        this.logger.warn({ err: e, mirrorId, sessionId, gesture }, 'gesture.recognised not published'),
      );
  }
}
