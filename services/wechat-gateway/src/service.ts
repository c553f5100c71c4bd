import type { INestApplication } from '@nestjs/common';
import type { ServiceDefinition } from '@mirror/platform';
import type { Express } from 'express';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadAppConfig, type AppConfig } from './config';

/** The gateway as the platform runs it (main.ts) and as tests boot it in-process. */
export const gatewayService: ServiceDefinition<AppConfig> = {
  name: SERVICE_NAME,
  loadConfig: () => loadAppConfig(),
  module: (config) => AppModule.register(config),
  // No body parsers (the platform's default): /wechat reads its raw body itself, bounded.
  configureHttp: (app: INestApplication) => {
    (app.getHttpAdapter().getInstance() as Express).disable('x-powered-by');
  },
};
