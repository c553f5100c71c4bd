import { connectNatsTransport } from '@mirror/nats';
import { runService, type ServiceDefinition } from '@mirror/platform';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadAppConfig, type AppConfig } from './config';

/** photo-store as the platform runs it (and as the integration tests boot it, with their own environment). */
export const photoStoreService: ServiceDefinition<AppConfig> = {
  name: SERVICE_NAME,
  loadConfig: () => loadAppConfig(),
  module: (config) => AppModule.register(config),
  microservices: connectNatsTransport,
};

if (require.main === module) runService(photoStoreService);
