import type { Provider } from '@nestjs/common';
import { HealthRegistry } from '@mirror/platform';
import { Client } from 'minio';
import type { AppConfig } from './config';

export const S3 = Symbol('S3');

/** The object-storage client (MinIO in production, any S3-compatible server locally), with readiness. */
export function infrastructure(config: AppConfig): Provider[] {
  return [
    {
      provide: S3,
      inject: [HealthRegistry],
      useFactory: (health: HealthRegistry) => {
        const url = new URL(config.S3_ENDPOINT);
        const client = new Client({
          endPoint: url.hostname,
          port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
          useSSL: url.protocol === 'https:',
          accessKey: config.S3_ACCESS_KEY,
          secretKey: config.S3_SECRET_KEY,
          region: config.S3_REGION,
          pathStyle: true,
        });
        health.register({
          name: 's3',
          check: async () => {
            if (!(await client.bucketExists(config.S3_BUCKET)))
              throw new Error(`bucket ${config.S3_BUCKET} missing`);
          },
        });
        return client;
      },
    },
  ];
}
