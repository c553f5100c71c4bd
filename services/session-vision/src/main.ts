import { connectNatsTransport } from '@mirror/nats';
import { runService, type ServiceDefinition } from '@mirror/platform';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadAppConfig, type AppConfig } from './config';

/** session-vision as the platform runs it (and as the integration tests start it, from the sources). */
export const sessionVisionService: ServiceDefinition<AppConfig> = {
  name: SERVICE_NAME,
  loadConfig: () => loadAppConfig(),
  module: (config) => AppModule.register(config),
  microservices: connectNatsTransport,
};

/** The same definition under its earlier name. */
export const sessionVision = sessionVisionService;

if (require.main === module) runService(sessionVisionService);
