import type { INestApplication, INestMicroservice } from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import { LOGGER, MetricsService } from '@mirror/platform';
import { JetStreamServer } from './jetstream.server';
import { NatsClient } from './nats.client';
import { NATS_MODULE_OPTIONS, type NatsModuleOptions } from './nats.module';
import { RpcErrorPassThrough } from './rpc-error-pass-through.filter';

/**
 * Connects the service's `@EventPattern`/`@MessagePattern` handlers to NATS: the `microservices` hook of
 * every ServiceDefinition. Nest builds the handlers now; they start consuming in `startAllMicroservices()`.
 */
export function connectNatsTransport(app: INestApplication): INestMicroservice {
  // before connecting: Nest reads the global filters when it wraps each handler
  app.useGlobalFilters(new RpcErrorPassThrough(app.getHttpAdapter()));
  const options = app.get<NatsModuleOptions>(NATS_MODULE_OPTIONS);
  const server = new JetStreamServer(app.get(NatsClient), {
    streams: options.streams,
    logger: app.get(LOGGER),
    metrics: app.get(MetricsService),
    consumerInfoIntervalMs: options.consumerInfoIntervalMs,
    // a consumer's `settings` provider is read when the transport starts, from any module
    resolve: (token) => app.get(token, { strict: false }),
  });
  return app.connectMicroservice<CustomStrategy>({ strategy: server }, { inheritAppConfig: true });
}
