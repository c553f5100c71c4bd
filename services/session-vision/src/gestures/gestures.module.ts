import { Module } from '@nestjs/common';
import { GesturePublisher } from './gesture.publisher';
import { GestureTracker } from './gesture.tracker';

/** Hand tracking and commands (poses, swipes) during a session, published on `mirror.<id>.gesture`. */
@Module({
  providers: [GesturePublisher, GestureTracker],
  exports: [GestureTracker],
})
export class GesturesModule {}
