import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { HealthRegistry, LOGGER, MetricsService, REDIS, redisProviders } from '@mirror/platform';
import { createWeChatApi } from '@mirror/wechat';
import { SERVICE_NAME, type AppConfig } from './config';
import { createDataSource } from './database/data-source';
import { applyMigrations } from './database/migration-runner';
import { Clock } from './shared/clock';
import { DisplayPublisher } from './shared/display.publisher';
import { PhotoStoreClient } from './shared/photo-store.client';
import { WECHAT_API, WeChatRepository } from './wechat/wechat.repository';
import { wechatMetrics } from './wechat/wechat.metrics';

/** Closes the Postgres pool once consumers and request handlers have stopped. */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Clients of the service's dependencies (Postgres, Redis, WeChat, photo-store, mirror screens) for every feature. */
@Global()
@Module({})
export class InfrastructureModule {
  static register(config: AppConfig): DynamicModule {
    const providers = [
      ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
      {
        provide: DataSource,
        inject: [HealthRegistry, LOGGER],
        useFactory: async (health: HealthRegistry, logger: Logger) => {
          const dataSource = createDataSource({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
          });
          await dataSource.initialize();
          if (config.DATABASE_MIGRATE_ON_START) await applyMigrations(dataSource, logger);
          health.register({ name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) });
          return dataSource;
        },
      },
      DataSourceCloser,
      {
        provide: WECHAT_API,
        inject: [REDIS, MetricsService, LOGGER],
        // the Redis client already applies REDIS_KEY_PREFIX: no second prefix, so qr-issuer and binding share one token
        useFactory: (redis: Redis, metrics: MetricsService, logger: Logger) =>
          createWeChatApi({
            appId: config.WECHAT_APP_ID,
            appSecret: config.WECHAT_APP_SECRET,
            apiBase: config.WECHAT_API_BASE,
            mpBase: config.WECHAT_MP_BASE,
            openBase: config.WECHAT_OPEN_BASE,
            timeoutMs: config.WECHAT_TIMEOUT_MS,
            redis,
            tokenMode: config.WECHAT_TOKEN_MODE,
            metrics: wechatMetrics(metrics),
            token: { logger: logger.child({ component: 'wechat-token' }) },
          }),
      },
      WeChatRepository,
      Clock,
      DisplayPublisher,
      PhotoStoreClient,
    ];
    return {
      module: InfrastructureModule,
      providers,
      exports: [REDIS, DataSource, WECHAT_API, WeChatRepository, Clock, DisplayPublisher, PhotoStoreClient],
    };
  }
}
