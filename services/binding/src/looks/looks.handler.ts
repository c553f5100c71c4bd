import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  Events,
  type GestureRecognised,
  type PhotoStored,
  type SessionEnded,
  type SessionStarted,
} from '@mirror/contracts';
import { LooksService } from './looks.service';

/**
 * The looks' own durable consumers: gestures, and the session and photo events that change what the
 * mirror shows (independent of the sessions' and photos' consumers, so neither waits for the other).
 */
@Controller()
export class LooksHandler {
  constructor(private readonly looks: LooksService) {}

  @EventPattern(Events.gestureRecognised.subject, { durable: 'binding-looks-gesture', concurrency: 4 })
  async gesture(@Payload() event: GestureRecognised): Promise<void> {
    await this.looks.gesture(event);
  }

  @EventPattern(Events.sessionStarted.subject, { durable: 'binding-looks-session-started' })
  async sessionStarted(@Payload() event: SessionStarted): Promise<void> {
    await this.looks.sessionStarted(event);
  }

  @EventPattern(Events.sessionEnded.subject, { durable: 'binding-looks-session-ended' })
  async sessionEnded(@Payload() event: SessionEnded): Promise<void> {
    await this.looks.sessionEnded(event);
  }

  @EventPattern(Events.photoStored.subject, { durable: 'binding-looks-photo-stored' })
  async photoStored(@Payload() event: PhotoStored): Promise<void> {
    await this.looks.photoStored(event);
  }
}
