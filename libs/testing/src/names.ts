import { randomBytes } from 'node:crypto';

/** A short unique lowercase name for one test file's resources (namespace, db, prefix). */
export function uniqueName(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export const testEnv = {
  natsUrl: () => process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  redisUrl: () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  databaseUrl: () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  s3Endpoint: () => process.env.TEST_S3_ENDPOINT ?? process.env.S3_ENDPOINT,
};

/** Polls until `check` returns a truthy value or the time runs out. */
type Falsy = undefined | null | false | 0 | '';

export async function waitFor<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 10000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
