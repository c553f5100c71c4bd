import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config';
import { FramesModule } from './frames/frames.module';
import { GesturesModule } from './gestures/gestures.module';
import { InfrastructureModule } from './infrastructure.module';
import { SessionsModule } from './sessions/sessions.module';

/** session-vision: presence and hand gestures from mirror camera frames. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), SessionsModule, GesturesModule, FramesModule],
    };
  }
}
