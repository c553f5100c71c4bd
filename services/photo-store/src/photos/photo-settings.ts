import type { AppConfig } from '../config';

/** The part of the configuration the photo rules and repositories need. */
export interface PhotoSettings {
  bucket: string;
  region: string;
  concurrency: number;
  ackWaitMs: number;
  dedupWindowSeconds: number;
  kvReplicas: number;
}

export const PHOTO_SETTINGS = Symbol('PHOTO_SETTINGS');

export function photoSettings(config: AppConfig): PhotoSettings {
  return {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    concurrency: config.PHOTO_CONCURRENCY,
    ackWaitMs: config.PHOTO_ACK_WAIT_MS,
    dedupWindowSeconds: config.PHOTO_DEDUP_WINDOW_SECONDS,
    kvReplicas: config.NATS_STREAM_REPLICAS,
  };
}
