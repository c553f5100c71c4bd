import { runService, type ServiceDefinition } from '@mirror/platform';
import { loadVisionConfig, type VisionConfig } from './config';
import { VisionModule } from './vision.module';

/** session-vision: presence and hand gestures from mirror camera frames. */
export const sessionVision: ServiceDefinition<VisionConfig> = {
  name: 'session-vision',
  loadConfig: () => loadVisionConfig(),
  module: (config) => VisionModule.forRoot(config),
};

if (require.main === module) runService(sessionVision);
