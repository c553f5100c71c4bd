import { Module } from '@nestjs/common';
import { GesturesModule } from '../gestures/gestures.module';
import { PartitionsModule } from '../partitions/partitions.module';
import { SessionsModule } from '../sessions/sessions.module';
import { FrameAnalyser } from './frame.analyser';
import { FrameHandler } from './frame.handler';
import { FrameIntake } from './frame.intake';
import { FrameScheduler } from './frame.scheduler';
import { FramesLifecycle } from './frames.lifecycle';
import { MirrorPipeline } from './mirror.pipeline';
import { ReplicaStatusController } from './replica-status.controller';
import { VisionDebugPublisher } from './vision-debug.publisher';

/**
 * Camera frames in, from the partitions this replica serves: scheduling (latest frame wins), detection,
 * and the per-mirror pipeline.
 */
@Module({
  imports: [PartitionsModule, SessionsModule, GesturesModule],
  controllers: [FrameHandler, ReplicaStatusController],
  providers: [
    FrameIntake,
    FrameAnalyser,
    VisionDebugPublisher,
    MirrorPipeline,
    FrameScheduler,
    FramesLifecycle,
  ],
})
export class FramesModule {}
