import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { HealthRegistry, PoolRegistry, REDIS, redisProviders } from '@mirror/platform';
import { AUTH_SETTINGS, authSettings } from './auth/auth.settings';
import { SERVICE_NAME, type AppConfig } from './config';
import { CONSOLE_SETTINGS, consoleSettings } from './console/console.settings';
import { ConsoleDatabase } from './staff/console-database';

/**
 * Everything the console's features share, built from the config (the only place that reads it): NATS
 * (binding's answers, the mirrors' frame-rate advice), Redis (staff sessions, sign-in limits), Postgres (staff
 * accounts, its schema applied at start-up), and the features' settings.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = [
      { provide: AUTH_SETTINGS, useValue: authSettings(config) },
      { provide: CONSOLE_SETTINGS, useValue: consoleSettings(config) },
    ];
    return {
      module: InfrastructureModule,
      imports: [NatsModule.forRoot({ config, name: SERVICE_NAME, streams: [] })],
      providers: [
        ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
        {
          provide: ConsoleDatabase,
          inject: [HealthRegistry, PoolRegistry],
          useFactory: async (health: HealthRegistry, pools: PoolRegistry) => {
            const db = ConsoleDatabase.open(config.DATABASE_URL);
            await db.migrate();
            health.register({ name: 'postgres', check: async () => void (await db.rows('SELECT 1')) });
            pools.register({ name: 'postgres', close: () => db.close() });
            return db;
          },
        },
        ...settings,
      ],
      exports: [REDIS, ConsoleDatabase, ...settings.map((s) => s.provide)],
    };
  }
}
