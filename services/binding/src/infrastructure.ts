import type { Provider } from '@nestjs/common';
import { HealthRegistry, redisProviders } from '@mirror/platform';
import { DataSource } from 'typeorm';
import { SERVICE_NAME, type AppConfig } from './config';

/** Clients of the service's dependencies, each registered with readiness. */
export function infrastructure(config: AppConfig): Provider[] {
  return [
    ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
    {
      provide: DataSource,
      inject: [HealthRegistry],
      useFactory: async (health: HealthRegistry) => {
        const dataSource = new DataSource({
          type: 'postgres',
          url: config.DATABASE_URL,
          synchronize: false,
          extra: { max: 10, connectionTimeoutMillis: 3000 },
        });
        await dataSource.initialize();
        health.register({ name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) });
        return dataSource;
      },
    },
  ];
}
