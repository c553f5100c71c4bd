import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import {
  HealthRegistry,
  LOGGER,
  REDIS,
  WECHAT_API,
  redisProviders,
  wechatApiProvider,
} from '@mirror/platform';
import { SERVICE_NAME, type AppConfig } from './config';
import { createDataSource } from './database/data-source';
import { applyMigrations } from './database/migration-runner';
import { Clock } from './shared/clock';
import { DisplayPublisher } from './shared/display.publisher';
import { PhotoStoreClient } from './shared/photo-store.client';
import { WeChatRepository } from './wechat/wechat.repository';

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
      wechatApiProvider(config),
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
