import type { Provider } from '@nestjs/common';
import { HealthRegistry } from '@mirror/platform';
import { Client } from 'minio';
import type { AppConfig } from './config';

/** The object-storage client photo-store reads and writes through (S3_ENDPOINT). */
export const S3 = Symbol('S3');
/**
 * A client that only signs URLs, for the endpoint customers' phones reach (S3_PUBLIC_URL, else S3_ENDPOINT).
 * It never opens a connection: the region is given, so presigning needs no bucket-location lookup.
 */
export const S3_PUBLIC = Symbol('S3_PUBLIC');

/** An S3 endpoint with a path prefix: the `minio` client addresses buckets at the root of the host. */
export class EndpointPathError extends Error {
  constructor(variable: string, url: string) {
    super(
      `${variable}=${url} has a path; serve the S3 API at the root of a host of its own (e.g. https://photos.example.com)`,
    );
    this.name = 'EndpointPathError';
  }
}

/** A `minio` client for an S3 endpoint URL (MinIO in production, any S3-compatible server locally). */
export function s3Client(
  variable: string,
  endpoint: string,
  config: Pick<AppConfig, 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION'>,
): Client {
  const url = new URL(endpoint);
  if (url.pathname !== '/' && url.pathname !== '') throw new EndpointPathError(variable, endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    useSSL: url.protocol === 'https:',
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
    region: config.S3_REGION,
    pathStyle: true,
  });
}

/** The object-storage clients, with readiness (the bucket exists and answers). */
export function infrastructure(config: AppConfig): Provider[] {
  return [
    {
      provide: S3,
      inject: [HealthRegistry],
      useFactory: (health: HealthRegistry) => {
        const client = s3Client('S3_ENDPOINT', config.S3_ENDPOINT, config);
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
    {
      provide: S3_PUBLIC,
      useFactory: () =>
        config.S3_PUBLIC_URL
          ? s3Client('S3_PUBLIC_URL', config.S3_PUBLIC_URL, config)
          : s3Client('S3_ENDPOINT', config.S3_ENDPOINT, config),
    },
  ];
}
