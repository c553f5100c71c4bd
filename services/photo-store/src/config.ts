import { env, httpShape, loadConfig, natsShape, s3Shape } from '@mirror/config';

export const SERVICE_NAME = 'photo-store';

/** Every variable photo-store reads; see README.md, "Configuration". */
export const configShape = {
  ...httpShape,
  ...natsShape,
  ...s3Shape,
  /** Photos processed at once by this replica (each holds up to ~10 MB plus sharp's working memory). */
  PHOTO_CONCURRENCY: env.int(2, 1, 16),
  /** JetStream ack wait for a photo; the handler signals progress every third of it while it works. */
  PHOTO_ACK_WAIT_MS: env.int(30000, 1000, 600000),
  /** The same bytes from the same mirror under a new photo id within this window store nothing new. */
  PHOTO_DEDUP_WINDOW_SECONDS: env.int(60, 1, 3600),
  /** Replicas of the de-duplication window's JetStream KV bucket (3 on the k8s JetStream cluster). */
  NATS_STREAM_REPLICAS: env.int(1, 1, 5),
};

export type AppConfig = ReturnType<typeof loadAppConfig>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(SERVICE_NAME, configShape, source);
}
