import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { NatsModule } from '@mirror/nats';
import {
  HealthRegistry,
  LOGGER,
  PoolRegistry,
  REDIS,
  WECHAT_API,
  redisProviders,
  wechatApiProvider,
} from '@mirror/platform';
import { SERVICE_NAME, type AppConfig } from './config';
import { createDataSource } from './database/data-source';
import { DatabaseRepository } from './database/database.repository';
import { applyMigrations } from './database/migration-runner';
import { UnitOfWork } from './database/unit-of-work';
import { LOOKS_SETTINGS, looksSettings } from './looks/looks.settings';
import { OAUTH_SETTINGS, oauthSettings } from './oauth/oauth.settings';
import { PUSH_SETTINGS, pushSettings } from './push/push.settings';
import { REPLIES_SETTINGS, repliesSettings } from './replies/replies.settings';
import { RETENTION_SETTINGS, retentionSettings } from './retention/retention.settings';
import { STATS_SETTINGS, statsSettings } from './stats/stats.settings';
import { DisplayPublisher } from './shared/display.publisher';
import { PhotoLinks } from './shared/photo-links';
import { PHOTO_LINK_SETTINGS, photoLinkSettings } from './shared/photo-links.settings';
import { PHOTO_STORE_SETTINGS, photoStoreSettings } from './shared/photo-store.settings';
import { PhotoStoreClient } from './shared/photo-store.client';
import { WeChatRepository } from './wechat/wechat.repository';

/**
 * Everything binding's features share, built from the config (the only place that reads it): NATS, Redis,
 * Postgres (pool, migrations at start-up, the unit of work), WeChat, photo-store, the mirrors' screens, and
 * one settings value per feature.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = [
      { provide: PHOTO_STORE_SETTINGS, useValue: photoStoreSettings(config) },
      { provide: PHOTO_LINK_SETTINGS, useValue: photoLinkSettings(config) },
      { provide: OAUTH_SETTINGS, useValue: oauthSettings(config) },
      { provide: PUSH_SETTINGS, useValue: pushSettings(config) },
      { provide: REPLIES_SETTINGS, useValue: repliesSettings(config) },
      { provide: RETENTION_SETTINGS, useValue: retentionSettings(config) },
      { provide: LOOKS_SETTINGS, useValue: looksSettings(config) },
      { provide: STATS_SETTINGS, useValue: statsSettings(config) },
    ];
    const clients = [
      DatabaseRepository,
      { provide: UnitOfWork, useExisting: DatabaseRepository },
      WeChatRepository,
      DisplayPublisher,
      PhotoStoreClient,
      PhotoLinks,
    ];
    return {
      module: InfrastructureModule,
      imports: [
        NatsModule.forRoot({ config, name: SERVICE_NAME, streams: ['SESSIONS', 'QR', 'PHOTOS', 'WECHAT'] }),
      ],
      providers: [
        ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
        {
          provide: DataSource,
          inject: [HealthRegistry, PoolRegistry, LOGGER],
          useFactory: async (health: HealthRegistry, pools: PoolRegistry, logger: Logger) => {
            const dataSource = createDataSource({
              url: config.DATABASE_URL,
              poolSize: config.DATABASE_POOL_SIZE,
            });
            await dataSource.initialize();
            if (config.DATABASE_MIGRATE_ON_START) await applyMigrations(dataSource, logger);
            health.register({
              name: 'postgres',
              check: async () => void (await dataSource.query('SELECT 1')),
            });
            // closed after the NATS drain: in-flight handlers finish their transactions first
            pools.register({
              name: 'postgres',
              close: async () => {
                if (dataSource.isInitialized) await dataSource.destroy();
              },
            });
            return dataSource;
          },
        },
        wechatApiProvider(config),
        ...clients,
        ...settings,
      ],
      exports: [REDIS, DataSource, WECHAT_API, ...clients, ...settings.map((s) => s.provide)],
    };
  }
}
