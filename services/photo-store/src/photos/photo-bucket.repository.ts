import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { withTimeout } from '@mirror/async';
import { LOGGER } from '@mirror/platform';
import type { Client } from 'minio';
import type { Logger } from 'pino';
import { S3, S3_PUBLIC } from '../storage/s3.client';
import { ObjectStorageTimeoutError } from './photo.errors';
import { PHOTO_SETTINGS, type PhotoSettings } from './photos.settings';

const ENSURE_TIMEOUT_MS = 5000;
const ENSURE_RETRY_MS = 2000;

/**
 * The photo bucket: objects in, objects out, signed URLs. One code path (the `minio` client) for MinIO in
 * production and the local S3 stand-in. The bucket is created at start-up when missing; while object
 * storage is unreachable the service keeps trying (and /readyz says so) instead of exiting.
 */
@Injectable()
export class PhotoBucketRepository implements OnModuleInit, OnApplicationShutdown {
  private retry?: NodeJS.Timeout;

  constructor(
    @Inject(S3) private readonly s3: Client,
    @Inject(S3_PUBLIC) private readonly signer: Client,
    @Inject(PHOTO_SETTINGS) private readonly settings: PhotoSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const attempt = async (): Promise<void> => {
      try {
        await withTimeout(this.ensureBucket(), ENSURE_TIMEOUT_MS, {
          reject: () => new ObjectStorageTimeoutError('creating the photo bucket', ENSURE_TIMEOUT_MS),
        });
        this.retry = undefined;
      } catch (e) {
        this.logger.warn({ err: e, bucket: this.settings.bucket }, 'cannot reach the photo bucket; retrying');
        this.retry = setTimeout(() => void attempt(), ENSURE_RETRY_MS);
        this.retry.unref();
      }
    };
    await attempt();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retry);
  }

  /** Creates the bucket unless it exists (several replicas may race: the loser's error is expected). */
  async ensureBucket(): Promise<void> {
    const { bucket, region } = this.settings;
    if (await this.s3.bucketExists(bucket)) return;
    try {
      await this.s3.makeBucket(bucket, region);
      this.logger.info({ bucket }, 'photo bucket created');
    } catch (e) {
      if (!/BucketAlready(OwnedByYou|Exists)/.test(codeOf(e))) throw e;
    }
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const body = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    await this.s3.putObject(this.settings.bucket, key, body, body.length, { 'Content-Type': contentType });
  }

  /** The object's bytes, or null when there is no such object. */
  async get(key: string): Promise<Buffer | null> {
    try {
      const stream = await this.s3.getObject(this.settings.bucket, key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (e) {
      if (codeOf(e) === 'NoSuchKey') return null;
      throw e;
    }
  }

  /** Removes the objects; absent ones count as removed (deleting twice is fine). */
  async remove(keys: string[]): Promise<void> {
    // one at a time: a photo has three, and the local stand-in fails concurrent deletes in one folder
    for (const key of keys) await this.s3.removeObject(this.settings.bucket, key);
  }

  /** A GET URL for the public endpoint, signed (SigV4) at `now`, valid `ttlSeconds`. No network call. */
  presignGet(key: string, ttlSeconds: number, now: Date): Promise<string> {
    return this.signer.presignedGetObject(this.settings.bucket, key, ttlSeconds, {}, now);
  }
}

function codeOf(e: unknown): string {
  return String((e as { code?: string } | undefined)?.code ?? '');
}
