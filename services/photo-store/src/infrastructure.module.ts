import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { HealthRegistry } from '@mirror/platform';
import { SERVICE_NAME, type AppConfig } from './config';
import { PHOTO_SETTINGS, photoSettings } from './photos/photos.settings';
import { S3, S3_PUBLIC, s3Client } from './storage/s3.client';

/**
 * Everything photo-store's feature uses, built from the config (the only place that reads it): NATS
 * (PHOTOS_IN in, PHOTOS out), the object-storage clients with readiness (the bucket exists and answers),
 * and the photos feature's settings. The `minio` clients keep no pool of their own (they use Node's global
 * HTTP agent, whose idle sockets never hold the process open), so there is nothing to hand to PoolRegistry.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = photoSettings(config);
    return {
      module: InfrastructureModule,
      imports: [NatsModule.forRoot({ config, name: SERVICE_NAME, streams: ['PHOTOS_IN', 'PHOTOS'] })],
      providers: [
        {
          provide: S3,
          inject: [HealthRegistry],
          useFactory: (health: HealthRegistry) => {
            const client = s3Client('S3_ENDPOINT', config.S3_ENDPOINT, config);
            health.register({
              name: 's3',
              check: async () => {
                if (!(await client.bucketExists(settings.bucket)))
                  throw new Error(`bucket ${settings.bucket} missing`);
              },
            });
            return client;
          },
        },
        {
          provide: S3_PUBLIC,
          useFactory: () =>
            config.S3_PUBLIC_URL
              ? s3Client('S3_PUBLIC_URL', config.S3_PUBLIC_URL, config)
              : s3Client('S3_ENDPOINT', config.S3_ENDPOINT, config),
        },
        { provide: PHOTO_SETTINGS, useValue: settings },
      ],
      exports: [S3, S3_PUBLIC, PHOTO_SETTINGS],
    };
  }
}
