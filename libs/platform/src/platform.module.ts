import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from './clock';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics.service';
import { PoolRegistry } from './pool.registry';
import { APP_CONFIG, LOGGER } from './tokens';

export interface PlatformOptions {
  service: string;
  logger: Logger;
  config: unknown;
}

/**
 * Logger, typed config, metrics, health, pools and the clock for every service; added around each AppModule,
 * as its first import (so that it shuts down last: see PoolRegistry).
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: APP_CONFIG, useValue: options.config },
        MetricsService,
        HealthRegistry,
        PoolRegistry,
        Clock,
      ],
      exports: [LOGGER, APP_CONFIG, MetricsService, HealthRegistry, PoolRegistry, Clock],
    };
  }
}
