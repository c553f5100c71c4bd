import Redis from 'ioredis';
import type { HealthIndicator } from './health.registry';

export interface RedisOptions {
  url: string;
  keyPrefix?: string;
  name: string;
  /** How long a command may wait before failing, ms: a Redis outage must fail fast, never hang. */
  commandTimeoutMs?: number;
}

/** An ioredis client that fails fast while Redis is away and reconnects by itself. */
export function createRedis(options: RedisOptions): Redis {
  return new Redis(options.url, {
    keyPrefix: options.keyPrefix || undefined,
    connectionName: options.name,
    lazyConnect: true,
    connectTimeout: 2000,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
}

export function redisHealth(redis: Redis, name = 'redis'): HealthIndicator {
  return {
    name,
    async check() {
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      await redis.ping();
    },
  };
}
