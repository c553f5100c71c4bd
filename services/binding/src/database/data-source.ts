import { DataSource } from 'typeorm';
import { BindingEntity } from './entities/binding.entity';
import { MirrorEntity } from './entities/mirror.entity';
import { PhotoRejectionEntity } from './entities/photo-rejection.entity';
import { PhotoEntity } from './entities/photo.entity';
import { ProductScanEntity } from './entities/product-scan.entity';
import { PushRecordEntity } from './entities/push-record.entity';
import { ScanEntity } from './entities/scan.entity';
import { SessionSceneEntity } from './entities/session-scene.entity';
import { SessionEntity } from './entities/session.entity';
import { StoreEntity } from './entities/store.entity';
import { UnsubscribeEntity } from './entities/unsubscribe.entity';
import { WeChatUserEntity } from './entities/wechat-user.entity';
import { InitialSchema1795468301502 } from './migrations/1795468301502-initial-schema';
import { ClaimFunctions1795900000000 } from './migrations/1795900000000-claim-functions';
import { MirrorRegistry1796000000000 } from './migrations/1796000000000-mirror-registry';
import { Stores1796100000000 } from './migrations/1796100000000-stores';
import { PhotoAnnouncements1796200000000 } from './migrations/1796200000000-photo-announcements';
import { MirrorCodes1796300000000 } from './migrations/1796300000000-mirror-codes';
import { ChannelStatistics1796400000000 } from './migrations/1796400000000-channel-statistics';
import { StatisticsBySource1796400000001 } from './migrations/1796400000001-statistics-by-source';
import { StatisticsChainDays1796400000002 } from './migrations/1796400000002-statistics-chain-days';
import { PhotoFavourites1796500000000 } from './migrations/1796500000000-photo-favourites';
import { StatisticsMirrorWeeks1796600000000 } from './migrations/1796600000000-statistics-mirror-weeks';

export const ENTITIES = [
  StoreEntity,
  MirrorEntity,
  SessionEntity,
  SessionSceneEntity,
  PhotoEntity,
  PhotoRejectionEntity,
  WeChatUserEntity,
  ScanEntity,
  BindingEntity,
  PushRecordEntity,
  ProductScanEntity,
  UnsubscribeEntity,
];

/** Every migration, oldest first. Listed, not globbed, so the same list works from src/ and dist/. */
export const MIGRATIONS = [
  InitialSchema1795468301502,
  ClaimFunctions1795900000000,
  MirrorRegistry1796000000000,
  Stores1796100000000,
  PhotoAnnouncements1796200000000,
  MirrorCodes1796300000000,
  ChannelStatistics1796400000000,
  StatisticsBySource1796400000001,
  StatisticsChainDays1796400000002,
  PhotoFavourites1796500000000,
  StatisticsMirrorWeeks1796600000000,
];

export const MIGRATIONS_TABLE = 'schema_migrations';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/** binding's TypeORM data source (not yet initialised). The schema comes from migrations only. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    applicationName: options.applicationName ?? 'binding',
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 3000 },
  });
}
