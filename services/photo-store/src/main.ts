import { runService } from '@mirror/platform';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadAppConfig } from './config';

runService({
  name: SERVICE_NAME,
  loadConfig: () => loadAppConfig(),
  module: (config) => AppModule.register(config),
});
