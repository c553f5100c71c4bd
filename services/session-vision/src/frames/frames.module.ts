import { Module } from '@nestjs/common';
import { GesturesModule } from '../gestures/gestures.module';
import { SessionsModule } from '../sessions/sessions.module';
import { FrameAnalyser } from './frame.analyser';
import { FrameHandler } from './frame.handler';
import { FrameScheduler } from './frame.scheduler';
import { FramesLifecycle } from './frames.lifecycle';
import { MirrorPipeline } from './mirror.pipeline';
import { VisionDebugPublisher } from './vision-debug.publisher';

/** Camera frames in: scheduling (latest frame wins), detection, and the per-mirror pipeline. */
@Module({
  imports: [SessionsModule, GesturesModule],
  controllers: [FrameHandler],
  providers: [FrameAnalyser, VisionDebugPublisher, MirrorPipeline, FrameScheduler, FramesLifecycle],
})
export class FramesModule {}
