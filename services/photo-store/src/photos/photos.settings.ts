import type { AppConfig } from '../config';

export const PHOTO_SETTINGS = Symbol('PHOTO_SETTINGS');

/**
 * The part of the configuration the photo rules, repositories and the intake consumer need. `concurrency`
 * and `ackWaitMs` carry the names of the consumer options: the NATS transport reads them from here when it
 * starts (`settings: PHOTO_SETTINGS` on PhotoIntakeHandler.onPhoto).
 */
export interface PhotoSettings {
  bucket: string;
  region: string;
  /** Photos pulled and processed at once by this replica (PHOTO_CONCURRENCY). */
  concurrency: number;
  /** JetStream ack wait of the photo consumer (PHOTO_ACK_WAIT_MS). */
  ackWaitMs: number;
  dedupWindowSeconds: number;
  kvReplicas: number;
}

/** The photos part of the environment. */
export function photoSettings(
  config: Pick<
    AppConfig,
    | 'S3_BUCKET'
    | 'S3_REGION'
    | 'PHOTO_CONCURRENCY'
    | 'PHOTO_ACK_WAIT_MS'
    | 'PHOTO_DEDUP_WINDOW_SECONDS'
    | 'NATS_STREAM_REPLICAS'
  >,
): PhotoSettings {
  return {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    concurrency: config.PHOTO_CONCURRENCY,
    ackWaitMs: config.PHOTO_ACK_WAIT_MS,
    dedupWindowSeconds: config.PHOTO_DEDUP_WINDOW_SECONDS,
    kvReplicas: config.NATS_STREAM_REPLICAS,
  };
}
