import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@mirror/config';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HTTP_HEADER, currentCorrelationId, withCorrelation } from './correlation';
import { HealthRegistry } from './health.registry';
import { createLogger, PinoNestLogger } from './logger';
import { PlatformModule } from './platform.module';
import { PoolRegistry } from './pool.registry';
import { startTracing, traceHttpRequest } from './tracing';

export interface BaseServiceConfig {
  PORT: number;
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
}

export interface ServiceDefinition<C extends BaseServiceConfig> {
  name: string;
  loadConfig: () => C;
  /** The service's own module; PlatformModule is added around it. */
  module: (config: C) => DynamicModule;
  /** Extra HTTP setup (body parsers, cookies) before listening. */
  configureHttp?: (app: INestApplication, config: C) => void | Promise<void>;
  /**
   * Connects the service's message handlers (`connectNatsTransport` of @mirror/nats): called once the app is
   * built; they start after every module's init hooks, before the HTTP port opens.
   */
  microservices?: (app: INestApplication) => unknown;
}

/** Builds, wires and starts one service; the returned app is listening. */
export async function bootstrapService<C extends BaseServiceConfig>(
  def: ServiceDefinition<C>,
  overrides: Partial<C> = {},
): Promise<INestApplication> {
  const config = { ...def.loadConfig(), ...overrides };
  const logger = createLogger(def.name, config.LOG_LEVEL);
  // before Nest, so that every span of the service has its provider; off (no-op) without an endpoint
  const tracing = startTracing({
    service: config.OTEL_SERVICE_NAME || def.name,
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const root: DynamicModule = {
    module: class AppRootModule {},
    // PlatformModule first: registered first, it shuts down last, after NATS has drained (PoolRegistry)
    imports: [PlatformModule.forRoot({ service: def.name, logger, config }), def.module(config)],
  };
  Object.defineProperty(root.module, 'name', { value: `${def.name}-root` });
  const app = await NestFactory.create(root, { logger: new PinoNestLogger(logger), bodyParser: false }).catch(
    async (e: unknown) => {
      await tracing.shutdown();
      throw e;
    },
  );
  // the last spans leave once NATS has drained, with the pools
  app.get(PoolRegistry).register({ name: 'tracing', close: () => tracing.shutdown() });
  if (tracing.enabled) logger.info({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing to OTLP');
  app.use((req: Request, res: Response, next: NextFunction) =>
    withCorrelation(req.header(CORRELATION_HTTP_HEADER) ?? req.header('x-request-id'), () => {
      res.setHeader(CORRELATION_HTTP_HEADER, currentCorrelationId() ?? '');
      traceHttpRequest(req, res, next);
    }),
  );
  try {
    await def.configureHttp?.(app, config);
    await def.microservices?.(app);
    // init first (Nest's hybrid-app advice): no message reaches a handler before every onModuleInit and
    // onApplicationBootstrap has run
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.PORT, process.env.HOST ?? '0.0.0.0');
  } catch (e) {
    // what did start (connections, pools) stops, so the error is all that remains
    await app.close().catch(() => undefined);
    throw e;
  }
  logger.info({ port: config.PORT }, `${def.name} listening`);
  return app;
}

/** The entry point of `node services/<name>/dist/main.js`: start, and on SIGTERM stop cleanly. */
export function runService<C extends BaseServiceConfig>(def: ServiceDefinition<C>): void {
  let app: INestApplication | undefined;
  const stop = (signal: string) => {
    if (!app) process.exit(0);
    app.get(HealthRegistry).markShuttingDown();
    const timeout = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10000);
    setTimeout(() => {
      process.stderr.write(`${def.name}: shutdown took longer than ${timeout} ms, exiting\n`);
      process.exit(1);
    }, timeout).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        process.stderr.write(`${def.name}: error during shutdown after ${signal}: ${String(e as Error)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  bootstrapService(def)
    .then((started) => {
      app = started;
    })
    .catch((e: unknown) => {
      if (e instanceof ConfigError) {
        process.stderr.write(e.message + '\n');
      } else {
        process.stderr.write(`${def.name}: failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
      }
      process.exit(1);
    });
}
