import { Client } from 'minio';
import type { AppConfig } from '../config';

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
  credentials: Pick<AppConfig, 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION'>,
): Client {
  const url = new URL(endpoint);
  if (url.pathname !== '/' && url.pathname !== '') throw new EndpointPathError(variable, endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    useSSL: url.protocol === 'https:',
    accessKey: credentials.S3_ACCESS_KEY,
    secretKey: credentials.S3_SECRET_KEY,
    region: credentials.S3_REGION,
    pathStyle: true,
  });
}
