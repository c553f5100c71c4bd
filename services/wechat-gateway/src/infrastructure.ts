import { Global, Module, type DynamicModule } from '@nestjs/common';
import { REDIS, redisProviders } from '@mirror/platform';
import { Clock } from './clock';
import { SERVICE_NAME, type AppConfig } from './config';

/** Clients of the service's dependencies (each registered with readiness) and the clock, for every feature. */
@Global()
@Module({})
export class InfrastructureModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
        Clock,
      ],
      exports: [REDIS, Clock],
    };
  }
}
