import type { INestApplication } from '@nestjs/common';
import { connectNatsTransport } from '@mirror/nats';
import { runService, type ServiceDefinition } from '@mirror/platform';
import type { Express } from 'express';
import { AppModule } from './app.module';
import { SERVICE_NAME, loadAppConfig, type AppConfig } from './config';

/** The gateway as the platform runs it (and as tests and the bench boot it in-process, with their own environment). */
export const wechatGatewayService: ServiceDefinition<AppConfig> = {
  name: SERVICE_NAME,
  loadConfig: () => loadAppConfig(),
  module: (config) => AppModule.register(config),
  // No body parsers (the platform's default): /wechat reads its raw body itself, bounded.
  configureHttp: (app: INestApplication) => {
    (app.getHttpAdapter().getInstance() as Express).disable('x-powered-by');
  },
  // The gateway has no message handlers, but the transport declares the WECHAT stream it publishes to.
  microservices: connectNatsTransport,
};

if (require.main === module) runService(wechatGatewayService);
