import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from './clock';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { MetricsService } from './metrics.service';
import { APP_CONFIG, LOGGER } from './tokens';

export interface PlatformOptions {
  service: string;
  logger: Logger;
  config: unknown;
}

/** Logger, typed config, metrics, health and the clock for every service; added around each AppModule. */
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
        Clock,
      ],
      exports: [LOGGER, APP_CONFIG, MetricsService, HealthRegistry, Clock],
    };
  }
}
